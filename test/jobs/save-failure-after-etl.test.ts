import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Harness, startHarness } from '../support/sinew-harness.js';

const ETL = fileURLToPath(new URL('../fixtures/etl/enrich-customers.ts', import.meta.url));

/**
 * A v2 read job without a target ends right after its ETL (ETL_SUCCESS → JOB_COMPLETED). When its
 * files cannot be saved then, it must still end, and free its link (issue #11: the move to its
 * failure status was refused, and the job stayed at ETL_SUCCESS for ever, its link blocked).
 */
describe('a job whose files cannot be saved after its ETL', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.stop());

  test('ends EXPORT_FAILED, and the next job of its link runs', async () => {
    const tenantDir = await h.tmp('tenant');
    await fs.writeFile(path.join(tenantDir, 'customers.csv'), 'id,name\n1,Ann\n2,Bob\n');
    const flow = await h.api('PUT', `/${h.envId}/flows/no-target`, {
      name: 'no-target',
      type: 'v2',
      connectors: ['csv'],
      etl: { script: ETL },
    });
    assert.equal(flow.status, 200, flow.text);
    const link = await h.api('POST', `/v2/${h.envId}/no-target/acme/linkedConnectors`, {
      connector_id: 'csv',
      config: { path: tenantDir },
    });
    assert.equal(link.status, 200, link.text);
    // The ETL saves a "customers" snapshot: a directory where that file goes makes the save fail
    // (a rename onto a directory fails whoever runs the test, root included).
    const blocker = path.join(h.dataDir, 'storage', h.envId, 'acme', 'snapshots', 'customers.jsonl');
    await fs.mkdir(blocker, { recursive: true });

    const run = async (): Promise<any> => {
      const created = await h.api('POST', `/v2/${h.envId}/no-target/acme/jobs`, { connector_id: 'csv', job_type: 'read' });
      assert.equal(created.status, 200, created.text);
      return h.waitForJob('no-target', 'acme', created.body.job_id, { timeoutMs: 30_000 });
    };
    const failed = await run();
    assert.equal(failed.status, 'EXPORT_FAILED', failed.error);
    assert.match(failed.error, /the job's files could not be saved to storage/);
    assert.ok(failed.status_timestamp.ETL_SUCCESS, 'it failed after its ETL');
    assert.equal(failed.status_timestamp.EXPORT_STARTED, undefined, 'a job without a target has no export');

    await fs.rm(blocker, { recursive: true });
    const next = await run();
    assert.equal(next.status, 'JOB_COMPLETED', next.error);
    assert.deepEqual(next.metrics.recordCount, { customers: 2 });
  });
});

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Harness, startHarness } from '../support/sinew-harness.js';

const ETL = fileURLToPath(new URL('../fixtures/etl/', import.meta.url));

describe('ETL scripts and snapshots in real jobs', () => {
  let h: Harness;
  let tenantDir: string;
  let warehouse: string;
  const snapshot = async (tenant: string, name: string): Promise<any[]> => {
    const r = await h.api('GET', `/tenant/${h.envId}/${tenant}/snapshots/${name}`);
    if (r.status === 404) return [];
    assert.equal(r.status, 200, r.text);
    return r.text
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  };
  const run = async (flow: string, tenant: string): Promise<any> =>
    h.waitForJob(flow, tenant, (await h.api('POST', `/${h.envId}/${flow}/${tenant}/jobs`, {})).body.job_id);

  before(async () => {
    h = await startHarness();
    tenantDir = await h.tmp('tenant');
    warehouse = await h.tmp('warehouse');
    await fs.writeFile(path.join(tenantDir, 'customers.csv'), 'id,name\n1,Ann\n2,Bob\n');
  });
  after(async () => h.stop());

  test('a TypeScript ETL module shapes the export and merges a snapshot that outlives the job', async () => {
    const put = await h.api('PUT', `/${h.envId}/flows/etl-ts`, {
      name: 'etl-ts',
      type: 'v1-source',
      connectors: ['csv'],
      target: { connector: 'jsonl', config: { path: warehouse } },
      etl: { script: path.join(ETL, 'enrich-customers.ts') },
    });
    assert.equal(put.status, 200, put.text);
    await h.api('POST', `/${h.envId}/etl-ts/acme/linkedSources`, { source: { tap: 'csv', config: { path: tenantDir } } });
    await h.api('PUT', `/tenant/${h.envId}/acme/config`, { currency: 'EUR' });
    const first = await run('etl-ts', 'acme');
    assert.equal(first.status, 'JOB_COMPLETED', first.error);
    assert.ok(first.data_sizes.snapshots > 0);
    const written = (await fs.readFile(path.join(warehouse, 'customers.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(written[0], { id: 1, name: 'Ann', currency: 'EUR', tenant: 'acme' });
    assert.deepEqual(
      (await snapshot('acme', 'customers')).map((c) => [c.id, c.name]),
      [
        [1, 'Ann'],
        [2, 'Bob'],
      ],
    );

    // The tenant's data changes: the snapshot is merged by id, the newest version wins.
    await fs.writeFile(path.join(tenantDir, 'customers.csv'), 'id,name\n2,Bobby\n3,Cy\n');
    const second = await run('etl-ts', 'acme');
    assert.equal(second.status, 'JOB_COMPLETED', second.error);
    assert.deepEqual(
      (await snapshot('acme', 'customers')).map((c) => [c.id, c.name]),
      [
        [1, 'Ann'],
        [2, 'Bobby'],
        [3, 'Cy'],
      ],
    );
    // The job root keeps no copy of the snapshots.
    await assert.rejects(fs.access(path.join(h.dataDir, 'storage', h.envId, second.s3_root, 'snapshots')));
  });

  test("an ETL error fails the job ETL_FAILED with the script's message; the snapshot stays as it was", async () => {
    const before = await snapshot('acme', 'customers');
    await fs.writeFile(path.join(tenantDir, 'customers.csv'), 'id,name\n9,Zed\n');
    await h.api('PUT', `/tenant/${h.envId}/acme/config`, { currency: 'EUR', fail_after_snapshot: true });
    const failed = await run('etl-ts', 'acme');
    assert.equal(failed.status, 'ETL_FAILED');
    assert.match(failed.error, /customer data rejected by the owner's rules/);
    // The ETL step's own log is served with the job's, in phase order: its console.log and its stack.
    const logs = (await h.api('GET', `/${h.envId}/etl-ts/acme/jobs/${failed.job_id}/logs`)).text;
    const sections = [...logs.matchAll(/^==> (\w+) <==$/gm)].map((m) => m[1]);
    assert.deepEqual(sections, ['job', 'tap', 'etl'], logs);
    const etl = logs.slice(logs.indexOf('==> etl <=='));
    assert.match(etl, /enriching customers of acme/);
    assert.match(etl, /customer data rejected by the owner's rules[\s\S]*enrich-customers\.ts/);
    assert.deepEqual(await snapshot('acme', 'customers'), before);
  });

  test('save snapshots even when jobs fail — unless roll back on failure is on', async () => {
    const before = await snapshot('acme', 'customers');
    await h.api('PUT', `/${h.envId}/settings`, { job_settings: { save_snapshots_on_failure: true, rollback_on_failure: true } });
    const rolledBack = await run('etl-ts', 'acme');
    assert.equal(rolledBack.status, 'ETL_FAILED');
    assert.deepEqual(await snapshot('acme', 'customers'), before, 'roll back wins: nothing of the failed job is saved');
    const state = await h.api('GET', `/${h.envId}/etl-ts/acme/linkedSources/state`);

    await h.api('PUT', `/${h.envId}/settings`, { job_settings: { rollback_on_failure: false } });
    const saved = await run('etl-ts', 'acme');
    assert.equal(saved.status, 'ETL_FAILED');
    assert.deepEqual(
      (await snapshot('acme', 'customers')).map((c) => c.id),
      [1, 2, 3, 9],
    );
    // Incremental state never moves with a failed job.
    assert.deepEqual((await h.api('GET', `/${h.envId}/etl-ts/acme/linkedSources/state`)).body, state.body);
    await h.api('PUT', `/${h.envId}/settings`, { job_settings: { save_snapshots_on_failure: false } });
    await h.api('PUT', `/tenant/${h.envId}/acme/config`, { currency: 'EUR' });
  });

  test('a Python ETL executable sees the job folder and the §5 variables', async () => {
    const out = await h.tmp('py-out');
    await h.api('PUT', `/${h.envId}/flows/etl-py`, {
      name: 'etl-py',
      type: 'v1-source',
      connectors: ['csv'],
      target: { connector: 'jsonl', config: { path: out } },
      etl: { command: ['python3', path.join(ETL, 'count-records.py')] },
    });
    await h.api('POST', `/${h.envId}/etl-py/bob/linkedSources`, { source: { tap: 'csv', config: { path: tenantDir } } });
    const job = await run('etl-py', 'bob');
    assert.equal(job.status, 'JOB_COMPLETED', job.error);
    assert.match(await fs.readFile(path.join(out, 'customers.jsonl'), 'utf8'), /"seq":1/);
    assert.deepEqual(await snapshot('bob', 'runs'), [{ job: job.job_id, flow: 'etl-py', records: 1 }]);
  });

  test('an ETL step past the job time limit is stopped: ETL_FAILED with a timeout message', async () => {
    const dir = await h.tmp('slow-etl');
    const script = path.join(dir, 'slow.mjs');
    await fs.writeFile(script, 'export default async () => { await new Promise((r) => setTimeout(r, 60000)); };\n');
    await h.api('PUT', `/${h.envId}/flows/etl-slow`, {
      name: 'etl-slow',
      type: 'v1-source',
      connectors: ['csv'],
      target: { connector: 'jsonl', config: { path: dir } },
      etl: { script },
      job_settings: { job_timeout_seconds: 8 },
    });
    await h.api('POST', `/${h.envId}/etl-slow/c/linkedSources`, { source: { tap: 'csv', config: { path: tenantDir } } });
    const job = await run('etl-slow', 'c');
    assert.equal(job.status, 'ETL_FAILED');
    assert.match(job.error, /timeout|did not finish|limit/);
  });
});

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { present } from '../support/elements.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { registerTestConnectors, sourceFlow } from '../support/singer-flow.js';

const ORDER = [
  'JOB_CREATED',
  'DISCOVER_STARTED',
  'DISCOVER_SUCCESS',
  'SYNC_STARTED',
  'SYNC_SUCCESS',
  'ETL_STARTED',
  'ETL_SUCCESS',
  'EXPORT_STARTED',
  'JOB_COMPLETED',
];

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(path.relative(dir, path.join(entry.parentPath, entry.name)));
  }
  return out.sort();
}

describe('read jobs through the API (Singer tap → Sinew → Singer target)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.stop());

  for (const pair of ['node', 'python'] as const) {
    test(`${pair} pair: full lifecycle, job object, storage layout, exact numbers, redacted config`, async () => {
      const { tap, target } = await registerTestConnectors(h, pair);
      const out = await h.tmp('out');
      const flow = `flow-${pair}`;
      await sourceFlow(h, { flow, tap, target, outDir: out, tenant: 't1', sourceConfig: { records: 25, password: 'hunter2-secret' } });
      const created = await h.api('POST', `/${h.envId}/${flow}/t1/jobs`, {});
      assert.equal(created.status, 200, created.text);
      assert.equal(created.body.status, 'JOB_CREATED');
      const job = await h.waitForJob(flow, 't1', created.body.job_id);
      assert.equal(job.status, 'JOB_COMPLETED', job.error);

      // every status, in order, with its timestamp
      const stamps = Object.entries(job.status_timestamp as Record<string, number>)
        .sort((a, b) => a[1] - b[1])
        .map(([s]) => s);
      assert.deepEqual(stamps, ORDER);
      assert.deepEqual(job.metrics.recordCount, { users: 25, orders: 25 });
      assert.ok(job.data_sizes.sync_output > 0 && job.data_sizes.etl_output > 0);
      assert.equal(job.data_sizes.total, Math.round((job.data_sizes.sync_output + job.data_sizes.etl_output) * 100) / 100);
      assert.ok(job.resources_usage.memoryUsage > 10);
      assert.equal(job.sync_type, 'full_sync');
      assert.equal(job.tap, tap);
      assert.equal(job.target, target);
      assert.match(job.s3_root, new RegExp(`^t1/flows/${flow}/jobs/\\d{4}/\\d{2}/\\d{2}/\\d{2}/\\d{2}/${job.job_id}$`));
      for (const field of [
        'job_id',
        'env_id',
        'flow_id',
        'job_name',
        'tenant',
        'started_by',
        's3_root',
        'start_time',
        'state',
        'connector_id',
        'job_type',
        'scheduled_job',
        'override_start_date',
        'override_end_date',
        'override_field_map',
        'override_source_config',
        'override_target_config',
        'override_lifecycle_webhook',
        'task_id',
        'last_updated',
        'error',
        'status_timestamp',
      ]) {
        assert.ok(field in job, `job object lacks ${field}`);
      }
      assert.equal('sealed_overrides' in job, false);

      const root = path.join(h.dataDir, 'storage', h.envId, job.s3_root);
      const files = await listFiles(root);
      for (const f of [
        'config.json',
        'state.json',
        'catalog.json',
        'sync-output/data.singer',
        'sync-output/state.json',
        'etl-output/data.singer',
        'logs/job.log',
        'logs/tap.log',
      ]) {
        assert.ok(files.includes(f), `missing ${f} in ${files.join(', ')}`);
      }
      const config = await fs.readFile(path.join(root, 'config.json'), 'utf8');
      assert.match(config, /"password":"\*\*\*\*\*\*\*\*"/);
      for (const f of files)
        assert.doesNotMatch(await fs.readFile(path.join(root, f), 'utf8'), /hunter2-secret/, `secret leaked into ${f}`);

      // big numbers arrive byte for byte: the tap writes 2^53+1 and 38-digit decimals as raw text
      const users = await fs.readFile(path.join(out, 'users.jsonl'), 'utf8');
      const syncData = await fs.readFile(path.join(root, 'sync-output/data.singer'), 'utf8');
      const bigInts = [...syncData.matchAll(/"big_id": ?(\d{16,})/g)].map(([, digits]) => present(digits, 'the big_id digits'));
      assert.equal(bigInts.length, 25);
      for (const n of bigInts) assert.ok(users.includes(n), `${n} lost on the way`);
      const decimals = [...syncData.matchAll(/"balance": ?(-?\d+\.\d{10,})/g)].map(([, digits]) => present(digits, 'the balance digits'));
      assert.ok(decimals.length > 0);
      for (const d of decimals) assert.ok(users.includes(d), `${d} lost on the way`);

      // the committed state is the tap's last STATE
      const state = await h.api('GET', `/${h.envId}/${flow}/t1/linkedSources/state`);
      assert.equal(state.status, 200);
      assert.ok(state.body.bookmarks?.users, JSON.stringify(state.body));
    });
  }

  test('incremental state: used by the next job, committed only on success, reset on request', async () => {
    const { tap, target } = await registerTestConnectors(h, 'node');
    const out = await h.tmp('out');
    await sourceFlow(h, { flow: 'incr', tap, target, outDir: out, tenant: 't2', sourceConfig: { records: 10 } });
    const first = await h.waitForJob('incr', 't2', (await h.api('POST', `/${h.envId}/incr/t2/jobs`, {})).body.job_id);
    assert.equal(first.status, 'JOB_COMPLETED');
    const stateAfterFirst = (await h.api('GET', `/${h.envId}/incr/t2/linkedSources/state`)).body;

    // More records at the source now; the second job only takes the new ones.
    await h.api('POST', `/${h.envId}/incr/t2/linkedSources`, { source: { tap, config: { records: 15 } } });
    await h.api('PUT', `/${h.envId}/incr/t2/linkedSources/state`, stateAfterFirst);
    const second = await h.waitForJob('incr', 't2', (await h.api('POST', `/${h.envId}/incr/t2/jobs`, {})).body.job_id);
    assert.equal(second.status, 'JOB_COMPLETED');
    assert.equal(second.sync_type, 'incremental_sync');
    assert.deepEqual(second.metrics.recordCount, { users: 5, orders: 5 });
    const stateAfterSecond = (await h.api('GET', `/${h.envId}/incr/t2/linkedSources/state`)).body;
    assert.notDeepEqual(stateAfterSecond, stateAfterFirst);

    // A job that fails halfway must not move the state.
    await h.api('POST', `/${h.envId}/incr/t2/linkedSources`, { source: { tap, config: { records: 30, fail_after: 3, state_every: 1 } } });
    await h.api('PUT', `/${h.envId}/incr/t2/linkedSources/state`, stateAfterSecond);
    const failed = await h.waitForJob('incr', 't2', (await h.api('POST', `/${h.envId}/incr/t2/jobs`, {})).body.job_id);
    assert.equal(failed.status, 'SYNC_FAILED');
    assert.deepEqual((await h.api('GET', `/${h.envId}/incr/t2/linkedSources/state`)).body, stateAfterSecond);

    // reset_source_state: a full sync from nothing.
    await h.api('POST', `/${h.envId}/incr/t2/linkedSources`, { source: { tap, config: { records: 15 } } });
    await h.api('PUT', `/${h.envId}/incr/t2/linkedSources/state`, stateAfterSecond);
    const reset = await h.waitForJob(
      'incr',
      't2',
      (await h.api('POST', `/${h.envId}/incr/t2/jobs`, { reset_source_state: true })).body.job_id,
    );
    assert.equal(reset.status, 'JOB_COMPLETED');
    assert.equal(reset.sync_type, 'full_sync');
    assert.deepEqual(reset.metrics.recordCount, { users: 15, orders: 15 });
  });
});

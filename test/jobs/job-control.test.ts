import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { at } from '../support/elements.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { registerTestConnectors, sourceFlow } from '../support/singer-flow.js';

describe('job options: concurrency per link, streaming, overrides, listing', () => {
  let h: Harness;
  let tap: string;
  let target: string;
  before(async () => {
    h = await startHarness();
    ({ tap, target } = await registerTestConnectors(h, 'node'));
  });
  after(async () => h.stop());

  test('two jobs for one link never run at once: refused, or queued behind with queue_if_active_job', async () => {
    const out = await h.tmp('out');
    await sourceFlow(h, { flow: 'busy', tap, target, outDir: out, tenant: 't', sourceConfig: { records: 30, sleep_ms: 20 } });
    const first = await h.api('POST', `/${h.envId}/busy/t/jobs`, {});
    assert.equal(first.status, 200);
    const refused = await h.api('POST', `/${h.envId}/busy/t/jobs`, {});
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'JOB_ALREADY_ACTIVE');
    assert.equal(refused.body.error.details.active_job_id, first.body.job_id);
    const queued = await h.api('POST', `/${h.envId}/busy/t/jobs`, { queue_if_active_job: true });
    assert.equal(queued.status, 200, queued.text);
    const a = await h.waitForJob('busy', 't', first.body.job_id);
    const b = await h.waitForJob('busy', 't', queued.body.job_id);
    assert.equal(a.status, 'JOB_COMPLETED');
    assert.equal(b.status, 'JOB_COMPLETED');
    assert.ok(b.status_timestamp.SYNC_STARTED >= a.status_timestamp.JOB_COMPLETED, 'the queued job started before the first ended');
  });

  test('concurrent requests for one link: exactly one job is created, the others are refused', async () => {
    const out = await h.tmp('out');
    await sourceFlow(h, { flow: 'race', tap, target, outDir: out, tenant: 't', sourceConfig: { records: 5, sleep_ms: 5 } });
    const answers = await Promise.all(Array.from({ length: 8 }, () => h.api('POST', `/${h.envId}/race/t/jobs`, {})));
    const created = answers.filter((a) => a.status === 200);
    assert.equal(created.length, 1, answers.map((a) => a.status).join(','));
    assert.ok(answers.filter((a) => a.status !== 200).every((a) => a.status === 409 && a.body.error.code === 'JOB_ALREADY_ACTIVE'));
    await h.waitForJob('race', 't', at(created, 0).body.job_id);
  });

  test('a streaming job runs tap and target together, skips ETL, and keeps the sync output', async () => {
    const out = await h.tmp('out');
    await sourceFlow(h, { flow: 'stream', tap, target, outDir: out, tenant: 't', sourceConfig: { records: 500 } });
    const job = await h.waitForJob('stream', 't', (await h.api('POST', `/${h.envId}/stream/t/jobs`, { streaming_job: true })).body.job_id);
    assert.equal(job.status, 'JOB_COMPLETED', job.error);
    assert.equal(job.streaming_job, true);
    assert.ok(job.status_timestamp.EXPORT_STARTED);
    assert.equal(job.status_timestamp.ETL_STARTED, undefined);
    assert.deepEqual(job.metrics.recordCount, { users: 500, orders: 500 });
    const sync = await fs.readFile(path.join(h.dataDir, 'storage', h.envId, job.s3_root, 'sync-output/data.singer'), 'utf8');
    assert.equal(sync.split('\n').filter((l) => l.includes('"RECORD"')).length, 1000);
    const written = await fs.readFile(path.join(out, 'orders.jsonl'), 'utf8');
    assert.equal(written.trim().split('\n').length, 500);
  });

  test('overrides: selected tables, field map, source and target config, start date', async () => {
    const out = await h.tmp('out');
    const other = await h.tmp('other');
    await sourceFlow(h, { flow: 'over', tap, target, outDir: out, tenant: 't', sourceConfig: { records: 5 } });
    const created = await h.api('POST', `/${h.envId}/over/t/jobs`, {
      override_selected_tables: ['users'],
      override_field_map: { users: { fields: { id: true, email: 'mail', big_id: true }, values: { source: 'sinew' } } },
      override_source_config: { records: 3, api_token: 'tok-override-secret' },
      override_target_config: { path: other },
      override_start_date: '2024-01-01T00:00:00Z',
    });
    assert.equal(created.status, 200, created.text);
    assert.equal(created.body.override_source_config.api_token, '********');
    const job = await h.waitForJob('over', 't', created.body.job_id);
    assert.equal(job.status, 'JOB_COMPLETED', job.error);
    assert.deepEqual(job.metrics.recordCount, { users: 3 });
    assert.deepEqual(await fs.readdir(out), []);
    const lines = (await fs.readFile(path.join(other, 'users.jsonl'), 'utf8')).trim().split('\n');
    assert.equal(lines.length, 3);
    const first = at(lines, 0);
    assert.match(first, /"mail":"user1@example.com"/);
    assert.match(first, /"source":"sinew"/);
    assert.doesNotMatch(first, /"name"/);
    assert.match(first, /"big_id":9007199254740994/);
    const config = await fs.readFile(path.join(h.dataDir, 'storage', h.envId, job.s3_root, 'config.json'), 'utf8');
    assert.match(config, /"start_date":"2024-01-01T00:00:00Z"/);
    assert.doesNotMatch(config, /tok-override-secret/);
    const catalog = JSON.parse(await fs.readFile(path.join(h.dataDir, 'storage', h.envId, job.s3_root, 'catalog.json'), 'utf8'));
    const selected = Object.fromEntries(
      catalog.streams.map((s: any) => [s.tap_stream_id, s.metadata.find((m: any) => m.breadcrumb.length === 0).metadata.selected]),
    );
    assert.deepEqual(selected, { users: true, orders: false });
  });

  test('list (newest first, status filter, paging), status by job_root, get, 404s', async () => {
    const out = await h.tmp('out');
    await sourceFlow(h, { flow: 'listing', tap, target, outDir: out, tenant: 't', sourceConfig: { records: 2 } });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await h.api('POST', `/${h.envId}/listing/t/jobs`, { job_name: `job-${i}` });
      ids.push(c.body.job_id);
      await h.waitForJob('listing', 't', c.body.job_id);
    }
    const list = await h.api('GET', `/${h.envId}/listing/t/jobs`);
    assert.deepEqual(
      list.body.map((j: any) => j.job_id),
      [...ids].reverse(),
    );
    const page = await h.api('GET', `/${h.envId}/listing/t/jobs?limit=1&before=${ids[2]}`);
    assert.deepEqual(
      page.body.map((j: any) => j.job_id),
      [ids[1]],
    );
    const completed = await h.api('GET', `/${h.envId}/listing/t/jobs?status=JOB_COMPLETED,SYNC_FAILED`);
    assert.equal(completed.body.length, 3);
    assert.equal((await h.api('GET', `/${h.envId}/listing/t/jobs?status=NOPE`)).status, 400);
    const one = (await h.api('GET', `/${h.envId}/listing/t/jobs/${ids[0]}`)).body;
    const byRoot = await h.api('GET', `/${h.envId}/listing/t/jobs/status?job_root=${encodeURIComponent(one.s3_root)}`);
    assert.equal(byRoot.status, 200);
    assert.equal(byRoot.body.job_id, ids[0]);
    assert.equal((await h.api('GET', `/${h.envId}/listing/t/jobs/nope`)).status, 404);
    assert.equal((await h.api('GET', `/${h.envId}/listing/other-tenant/jobs/${ids[0]}`)).status, 404);
    assert.equal((await h.api('POST', `/${h.envId}/listing/nobody/jobs`, {})).status, 404);
  });
});

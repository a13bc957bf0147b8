import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { registerTestConnectors, sourceFlow } from '../support/singer-flow.js';
import { until } from '../support/until.js';

describe('job settings (seeds/000), per environment and per flow', () => {
  let h: Harness;
  let tap: string;
  let target: string;
  before(async () => {
    h = await startHarness();
    ({ tap, target } = await registerTestConnectors(h, 'node'));
  });
  after(async () => h.stop());

  test('force full sync (flow setting): stored state is ignored every time', async () => {
    const out = await h.tmp('out');
    await sourceFlow(h, { flow: 'full', tap, target, outDir: out, tenant: 't', sourceConfig: { records: 4 } });
    const first = await h.waitForJob('full', 't', (await h.api('POST', `/${h.envId}/full/t/jobs`, {})).body.job_id);
    assert.equal(first.status, 'JOB_COMPLETED');
    const incremental = await h.waitForJob('full', 't', (await h.api('POST', `/${h.envId}/full/t/jobs`, {})).body.job_id);
    assert.equal(incremental.sync_type, 'incremental_sync');
    assert.deepEqual(incremental.metrics.recordCount, {});
    const flow = (await h.api('GET', `/${h.envId}/flows/full`)).body;
    const put = await h.api('PUT', `/${h.envId}/flows/full`, {
      name: flow.name,
      type: flow.type,
      connectors: flow.connectors,
      target: { connector: target, config: { path: out } },
      job_settings: { force_full_sync: true },
    });
    assert.equal(put.status, 200, put.text);
    const forced = await h.waitForJob('full', 't', (await h.api('POST', `/${h.envId}/full/t/jobs`, {})).body.job_id);
    assert.equal(forced.status, 'JOB_COMPLETED');
    assert.equal(forced.sync_type, 'full_sync');
    assert.deepEqual(forced.metrics.recordCount, { users: 4, orders: 4 });
  });

  test('force discover: every job refreshes the catalog; the field map is kept whole (a field that is gone selects nothing)', async () => {
    const dir = await h.tmp('csv');
    const out = await h.tmp('out');
    await fs.writeFile(path.join(dir, 'people.csv'), 'id,name,email,phone\n1,Ann,ann@x.io,555\n');
    await h.api('PUT', `/${h.envId}/flows/disc`, {
      name: 'disc',
      type: 'v1-source',
      connectors: ['csv'],
      target: { connector: 'jsonl', config: { path: out } },
      job_settings: { force_discover: true },
    });
    const fieldMap = { people: { fields: { id: true, name: 'full_name', phone: true } } };
    await h.api('POST', `/${h.envId}/disc/t/linkedSources`, { source: { tap: 'csv', config: { path: dir } }, field_map: fieldMap });
    const first = await h.waitForJob('disc', 't', (await h.api('POST', `/${h.envId}/disc/t/jobs`, {})).body.job_id);
    assert.equal(first.status, 'JOB_COMPLETED', first.error);
    assert.ok(first.status_timestamp.DISCOVER_STARTED);
    assert.equal(await fs.readFile(path.join(out, 'people.jsonl'), 'utf8'), '{"id":1,"full_name":"Ann","phone":555}\n');

    // The tenant's system changes: phone is gone, city is new.
    await fs.writeFile(path.join(dir, 'people.csv'), 'id,name,email,city\n2,Bob,bob@x.io,Oslo\n');
    const second = await h.waitForJob('disc', 't', (await h.api('POST', `/${h.envId}/disc/t/jobs`, {})).body.job_id);
    assert.equal(second.status, 'JOB_COMPLETED', second.error);
    assert.ok(second.status_timestamp.DISCOVER_STARTED, 'discovered again although the link has a catalog');
    const link = (await h.api('GET', `/${h.envId}/disc/t/linkedSources`)).body[0];
    const props = Object.keys(link.catalog.streams[0].schema.properties);
    assert.ok(props.includes('city') && !props.includes('phone'), props.join(','));
    // Nothing is pruned: a map that lost its kept fields would select everything (the secret column).
    assert.deepEqual(link.field_map, fieldMap);
    const lines = (await fs.readFile(path.join(out, 'people.jsonl'), 'utf8')).trim().split('\n');
    assert.equal(lines[1], '{"id":2,"full_name":"Bob"}');
  });

  test('trigger a job when an integration is linked (a full sync, started by the link)', async () => {
    const out = await h.tmp('out');
    await h.api('PUT', `/${h.envId}/flows/onlink`, {
      name: 'onlink',
      type: 'v1-source',
      connectors: [tap],
      target: { connector: target, config: { path: out } },
      job_settings: { trigger_job_on_link: true },
    });
    const linked = await h.api('POST', `/${h.envId}/onlink/t/linkedSources`, { source: { tap, config: { records: 3 } } });
    assert.equal(linked.status, 200, linked.text);
    const job = await until('the triggered job', 60_000, async () => (await h.api('GET', `/${h.envId}/onlink/t/jobs`)).body[0]);
    assert.equal(job.started_by, 'link');
    assert.equal(job.sync_type, 'full_sync');
    const done = await h.waitForJob('onlink', 't', job.job_id);
    assert.equal(done.status, 'JOB_COMPLETED', done.error);
    // Overwriting the link (new credentials) is not a new integration: no second job.
    // The link's reactions (trigger a job on link) run before the POST answers: nothing comes later.
    await h.api('POST', `/${h.envId}/onlink/t/linkedSources`, { source: { tap, config: { records: 5 } } });
    assert.equal((await h.api('GET', `/${h.envId}/onlink/t/jobs`)).body.length, 1);
  });

  test('trigger a discover when an integration is linked: the catalog is there before any job', async () => {
    const dir = await h.tmp('csv');
    await fs.writeFile(path.join(dir, 'deals.csv'), 'id,amount\n1,10\n');
    await h.api('PUT', `/${h.envId}/flows/discover-on-link`, {
      name: 'dol',
      type: 'v2',
      connectors: ['csv'],
      job_settings: { discover_on_link: true },
    });
    const linked = await h.api('POST', `/v2/${h.envId}/discover-on-link/t/linkedConnectors`, {
      connector_id: 'csv',
      config: { path: dir },
    });
    assert.equal(linked.status, 200, linked.text);
    const catalog = await until('the catalog', 60_000, async () => {
      const l = (await h.api('GET', `/v2/${h.envId}/discover-on-link/t/linkedConnectors`)).body[0];
      return l?.catalog ?? undefined;
    });
    assert.equal(catalog.streams[0].tap_stream_id, 'deals');
    const events = await h.sinew.services.store.events.list(h.envId, 1000);
    const statuses = events.filter((e) => e.kind === 'discover' && e.payload.flow_id === 'discover-on-link').map((e) => e.payload.status);
    assert.deepEqual(statuses.slice(0, 2), ['DISCOVER_STARTED', 'DISCOVER_SUCCESS']);
    assert.equal((await h.api('GET', `/v2/${h.envId}/discover-on-link/t/jobs`)).body.length, 0);
  });

  test('default sync schedule on link: links made while it is on get the environment default schedule', async () => {
    await h.api('PUT', `/${h.envId}/flows/sched`, {
      name: 'sched',
      type: 'v1-source',
      connectors: [tap],
      target: { connector: target, config: { path: '/tmp' } },
    });
    await h.api('POST', `/${h.envId}/sched/before/linkedSources`, { source: { tap, config: { records: 1 } } });
    const put = await h.api('PUT', `/${h.envId}/settings`, {
      job_settings: { default_schedule_on_link: true, default_schedule: { schedule_expression: 'cron(0 3 * * *)' } },
    });
    assert.equal(put.status, 200, put.text);
    try {
      await h.api('POST', `/${h.envId}/sched/after/linkedSources`, { source: { tap, config: { records: 1 } } });
      const schedule = await until('the default schedule', 60_000, async () => {
        const r = await h.api('GET', `/${h.envId}/sched/after/jobs/schedule`);
        return r.status === 200 ? r.body : undefined;
      });
      assert.equal(schedule.schedule_expression, 'cron(0 3 * * *)');
      assert.equal(schedule.state, 'ENABLED');
      assert.match(schedule.next_run, /T03:00:00/);
      // A link made before the setting was on has none.
      assert.equal((await h.api('GET', `/${h.envId}/sched/before/jobs/schedule`)).status, 404);
    } finally {
      await h.api('PUT', `/${h.envId}/settings`, { job_settings: { default_schedule_on_link: false } });
    }
  });

  test('a job longer than job_timeout_seconds is stopped and failed', async () => {
    const out = await h.tmp('out');
    await h.api('PUT', `/${h.envId}/flows/slow`, {
      name: 'slow',
      type: 'v1-source',
      connectors: [tap],
      target: { connector: target, config: { path: out } },
      job_settings: { job_timeout_seconds: 6 },
    });
    // The tap would take 2,000 s; the limit is generous enough that the discover before the sync
    // finishes inside it on a loaded CI machine (it once took over 2 s there).
    await h.api('POST', `/${h.envId}/slow/t/linkedSources`, { source: { tap, config: { records: 100000, sleep_ms: 20 } } });
    const job = await h.waitForJob('slow', 't', (await h.api('POST', `/${h.envId}/slow/t/jobs`, {})).body.job_id, { timeoutMs: 60_000 });
    assert.equal(job.status, 'SYNC_FAILED');
    assert.match(job.error, /limit of 6 s \(job_timeout_seconds\)/);
  });
});

import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { RetentionPruner } from '../../src/retention/retention-pruner.js';
import { job } from '../store/store-fixtures.js';
import { eventsSettled } from '../support/events-settled.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { registerTestConnectors, sourceFlow } from '../support/singer-flow.js';
import { storeSql } from '../support/store-sql.js';
import { until } from '../support/until.js';

const FLOW = 'ret';
const TENANT = 'acme';
const DAY = 24 * 3600 * 1000;

/**
 * Issue #19: the `retention` settings prune finished jobs (rows and files) and settled events
 * (with deliveries and attempts) past their age, in the scheduler's process; everything else stays.
 * Runs on SQLite, and on PostgreSQL with SINEW_TEST_DATABASE=postgres.
 */
describe('retention', () => {
  let h: Harness;
  let receiver: http.Server;
  let hookUrl = '';
  before(async () => {
    receiver = http.createServer((req, res) => req.resume().on('end', () => res.end('ok')));
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    // Passes every 200 ms, so the test waits on what a pass did, not on a long interval.
    h = await startHarness({ env: { SINEW_RETENTION_INTERVAL_MS: '200' } });
  });
  after(async () => {
    await h.stop();
    receiver.close();
  });

  const jobPath = (id: string) => `/${h.envId}/${FLOW}/${TENANT}/jobs/${id}`;
  const eventsOf = async (jobId: string): Promise<Array<{ event_id: string }>> =>
    (await h.api('GET', `/${h.envId}/events?kind=job_lifecycle&limit=200`)).body.filter(
      (e: { payload: { job_id?: string } }) => e.payload.job_id === jobId,
    );
  const filesOf = async (root: string) => (await h.sinew.services.storageRouter.forEnvironment(h.envId)).list(`${root}/`);

  test('off by default, shown with the settings; only whole days from 1 are accepted', async () => {
    const got = await h.api('GET', `/${h.envId}/settings`);
    assert.deepEqual(got.body.retention, { jobs_days: null, events_days: null });
    for (const bad of [{ jobs_days: 0 }, { events_days: 1.5 }, { jobs_days: '30' }, { keep: 3 }]) {
      const res = await h.api('PUT', `/${h.envId}/settings`, { retention: bad });
      assert.equal(res.status, 400, JSON.stringify(bad));
    }
  });

  test('old finished jobs go with their files, old settled events with their deliveries; the rest stays', async () => {
    await h.api('PUT', `/${h.envId}/settings`, { monitoring: { webhooks: { job_lifecycle: { url: hookUrl } } } });
    const { tap, target } = await registerTestConnectors(h, 'node');
    await sourceFlow(h, { flow: FLOW, tap, target, outDir: await h.tmp('out'), tenant: TENANT, sourceConfig: { records: 3 } });
    const run = async () => {
      const created = await h.api('POST', `/${h.envId}/${FLOW}/${TENANT}/jobs`, {});
      assert.equal(created.status, 200, created.text);
      const done = await h.waitForJob(FLOW, TENANT, created.body.job_id);
      assert.equal(done.status, 'JOB_COMPLETED');
      await eventsSettled(h, done.job_id);
      return done as { job_id: string; s3_root: string };
    };
    const old = await run();
    const recent = await run();
    // A job stuck in a phase for 40 days has not ended: retention never deletes it.
    const stuck = job({ env_id: h.envId, flow_id: FLOW, tenant: TENANT, job_id: 'stuck1', status: 'EXPORT_STARTED' });
    await h.sinew.services.store.jobs.insert(stuck);
    const oldEvents = (await eventsOf(old.job_id)).map((e) => e.event_id);
    assert.ok(oldEvents.length >= 3);
    const deliveries = (ids: string[]) =>
      storeSql(h, `select count(*) as n from event_deliveries where event_id in (${ids.map(() => '?').join(',')})`, ids);
    assert.ok(Number((await deliveries(oldEvents))[0]!.n) > 0, 'the webhook got deliveries to prune');
    assert.ok((await filesOf(old.s3_root)).length > 0);

    const fortyDaysAgo = Date.now() - 40 * DAY;
    await storeSql(h, 'update jobs set created_at = ? where job_id in (?, ?)', [fortyDaysAgo, old.job_id, stuck.job_id]);
    await storeSql(h, 'update events set created_at = ? where ordering_key = ?', [
      new Date(fortyDaysAgo).toISOString(),
      `job:${old.job_id}`,
    ]);
    const put = await h.api('PUT', `/${h.envId}/settings`, { retention: { jobs_days: 30, events_days: 30 } });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(put.body.retention, { jobs_days: 30, events_days: 30 });
    assert.ok(put.body.set.includes('retention.jobs_days'));

    await until('the old job pruned', 20_000, async () => (await h.api('GET', jobPath(old.job_id))).status === 404);
    await until('the old job events pruned', 20_000, async () => (await eventsOf(old.job_id)).length === 0);
    assert.deepEqual(await filesOf(old.s3_root), []);
    assert.equal(Number((await deliveries(oldEvents))[0]!.n), 0);
    const attempts = await storeSql(
      h,
      'select count(*) as n from event_delivery_attempts where delivery_id not in (select delivery_id from event_deliveries)',
    );
    assert.equal(Number(attempts[0]!.n), 0, 'no attempt outlives its delivery');

    assert.equal((await h.api('GET', jobPath(recent.job_id))).status, 200);
    assert.ok((await filesOf(recent.s3_root)).length > 0);
    const recentEvents = await eventsOf(recent.job_id);
    assert.ok(recentEvents.length >= 3);
    assert.ok(Number((await deliveries(recentEvents.map((e) => e.event_id)))[0]!.n) > 0);
    assert.equal((await h.api('GET', jobPath(stuck.job_id))).body.status, 'EXPORT_STARTED');
  });

  test('turned off again (null), nothing more is pruned', async () => {
    const put = await h.api('PUT', `/${h.envId}/settings`, { retention: { jobs_days: null, events_days: null } });
    assert.deepEqual(put.body.retention, { jobs_days: null, events_days: null });
    const kept = job({ env_id: h.envId, flow_id: FLOW, tenant: TENANT, job_id: 'kept1', status: 'JOB_COMPLETED' });
    await h.sinew.services.store.jobs.insert(kept);
    await storeSql(h, 'update jobs set created_at = ? where job_id = ?', [Date.now() - 400 * DAY, kept.job_id]);
    // The role's passes are not observable from outside when they delete nothing: a pass run here
    // (the code the role runs, at the same clock) shows what they do.
    const s = h.sinew.services;
    const report = await new RetentionPruner({ store: s.store, storage: s.storageRouter, logger: s.logger }).pruneOnce(Date.now());
    assert.equal(report.jobs, 0);
    assert.equal((await h.api('GET', jobPath(kept.job_id))).status, 200);
  });
});

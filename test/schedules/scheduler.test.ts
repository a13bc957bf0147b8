import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { JobLifecycle } from '../../src/jobs/job-lifecycle.js';
import { JobService } from '../../src/jobs/job-service.js';
import type { LinkKey } from '../../src/model/link.js';
import { InProcessQueue } from '../../src/queue/in-process-queue.js';
import { Scheduler } from '../../src/schedules/scheduler.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { registerTestConnectors, sourceFlow } from '../support/singer-flow.js';

// Schedules here tick on 1 January: the harness's own scheduler (real clock) never fires them, and
// the test fires a tick by handing its own Scheduler the instant.
const YEARLY = '0 0 1 1 *';
const YEAR_MS = 366 * 24 * 3600_000;

describe('scheduler: fires due schedules as real jobs, once per tick', () => {
  let h: Harness;
  let tap: string;
  let target: string;
  let scheduler: Scheduler;
  const key = (tenant: string, flow = 'sf'): LinkKey => ({ env_id: h.envId, flow_id: flow, tenant, role: 'source', connector_id: tap });
  const schedulerOver = (store: Store, jobs = h.sinew.services.jobs) =>
    new Scheduler({ store, jobs, box: h.sinew.services.box, logger: h.sinew.services.logger });
  const dueAt = async (tenant: string, flow = 'sf'): Promise<number> =>
    (await h.sinew.services.store.schedules.getSchedule(key(tenant, flow)))!.next_fire_at!;
  const jobsOf = async (tenant: string, flow = 'sf') => (await h.api('GET', `/${h.envId}/${flow}/${tenant}/jobs`)).body as any[];
  const link = async (tenant: string, sourceConfig: Record<string, unknown> = { records: 3 }, flow = 'sf') => {
    const res = await h.api('POST', `/${h.envId}/${flow}/${tenant}/linkedSources`, { source: { tap, config: sourceConfig } });
    assert.equal(res.status, 200, res.text);
  };
  const schedule = async (tenant: string, body: Record<string, unknown> = {}, flow = 'sf') => {
    const res = await h.api('PUT', `/${h.envId}/${flow}/${tenant}/jobs/schedule`, { schedule_expression: YEARLY, ...body });
    assert.equal(res.status, 200, res.text);
    return res.body;
  };

  before(async () => {
    h = await startHarness();
    ({ tap, target } = await registerTestConnectors(h, 'node'));
    await sourceFlow(h, { flow: 'sf', tap, target, outDir: await h.tmp('out'), tenant: 'first', sourceConfig: { records: 3 } });
    scheduler = schedulerOver(h.sinew.services.store);
  });
  after(() => h.stop());

  test('a due schedule creates a real job marked scheduled_job, and records the outcome', async () => {
    await schedule('first', { job_name: 'from-schedule' });
    const due = await dueAt('first');
    assert.deepEqual(await scheduler.runOnce(due - 1), { fired: 0, lost: 0, recovered: 0, errors: 0 }, 'not due yet');
    const report = await scheduler.runOnce(due + 1000);
    assert.equal(report.fired, 1);
    const [job] = await jobsOf('first');
    assert.equal(job.scheduled_job, true);
    assert.equal(job.started_by, 'scheduler');
    assert.equal(job.job_name, 'from-schedule');
    const done = await h.waitForJob('sf', 'first', job.job_id);
    assert.equal(done.status, 'JOB_COMPLETED', done.error);
    const got = (await h.api('GET', `/${h.envId}/sf/first/jobs/schedule`)).body;
    assert.deepEqual(got.last_outcome, { result: 'created', job_id: job.job_id, queued_behind: null });
    assert.ok(Date.parse(got.last_fired_at) >= Date.now() - 60_000);
    assert.ok(Date.parse(got.next_run) > due + 1000, 'the schedule moved on to its next tick');
  });

  test('DISABLED does not fire; missed ticks (downtime) fire once, then the schedule continues', async () => {
    await link('off');
    await schedule('off', { state: 'DISABLED' });
    // (Other tenants' schedules are due too at that instant: count this tenant's jobs.)
    await scheduler.runOnce(Date.now() + 5 * YEAR_MS);
    assert.equal((await jobsOf('off')).length, 0);

    await link('late');
    await schedule('late');
    const due = await dueAt('late');
    const threeTicksLater = due + 3 * YEAR_MS;
    await scheduler.runOnce(threeTicksLater);
    assert.equal((await jobsOf('late')).length, 1);
    assert.equal((await scheduler.runOnce(threeTicksLater)).fired, 0);
    assert.equal((await jobsOf('late')).length, 1);
    const next = await dueAt('late');
    assert.ok(next > threeTicksLater && next <= threeTicksLater + YEAR_MS, 'the next tick is counted from now, not from the missed ones');
  });

  test('a busy link: when_active skip records why; queue creates a job queued behind the running one', async () => {
    await link('busy', { records: 60, sleep_ms: 25 });
    await schedule('busy');
    const running = await h.api('POST', `/${h.envId}/sf/busy/jobs`, {});
    assert.equal(running.status, 200);
    await scheduler.runOnce((await dueAt('busy')) + 1000);
    const skipped = (await h.api('GET', `/${h.envId}/sf/busy/jobs/schedule`)).body;
    assert.deepEqual(skipped.last_outcome, {
      result: 'skipped',
      reason: 'a job for this link is still queued or running',
      active_job_id: running.body.job_id,
    });
    assert.equal((await jobsOf('busy')).length, 1, 'no second job');

    await schedule('busy', { when_active: 'queue' });
    await scheduler.runOnce((await dueAt('busy')) + 1000);
    const queued = (await h.api('GET', `/${h.envId}/sf/busy/jobs/schedule`)).body.last_outcome;
    assert.equal(queued.result, 'created');
    assert.equal(queued.queued_behind, running.body.job_id);
    const a = await h.waitForJob('sf', 'busy', running.body.job_id);
    const b = await h.waitForJob('sf', 'busy', queued.job_id);
    assert.equal(b.status, 'JOB_COMPLETED', b.error);
    assert.equal(b.queue_if_active_job, true);
    assert.ok(b.status_timestamp.SYNC_STARTED >= a.status_timestamp.JOB_COMPLETED, 'the scheduled job ran after the running one ended');
  });

  test('two schedulers on two connections racing for one tick, and one restarted after it: exactly one job', async () => {
    await link('race');
    await schedule('race');
    const due = await dueAt('race');
    const sqlite = h.sinew.services.store.dialect === 'sqlite';
    const other = sqlite ? await openSqliteStore(path.join(h.dataDir, 'sinew.db')) : h.sinew.services.store;
    try {
      const otherJobs = new JobService(
        other,
        new InProcessQueue(),
        new JobLifecycle(other),
        h.sinew.services.box,
        h.sinew.services.storageRouter,
      );
      const reports = await Promise.all([scheduler.runOnce(due + 1000), schedulerOver(other, otherJobs).runOnce(due + 1000)]);
      assert.equal(reports[0].fired + reports[1].fired, 1, JSON.stringify(reports));
      assert.equal(reports[0].lost + reports[1].lost, 1, JSON.stringify(reports));
      // A restarted scheduler (new instance, new connection) at the same instant finds nothing due.
      assert.equal((await schedulerOver(other, otherJobs).runOnce(due + 2000)).fired, 0);
    } finally {
      if (sqlite) await other.close();
    }
    const jobs = await jobsOf('race');
    assert.equal(jobs.length, 1);
    // The other scheduler's queue has no worker: end its job so the link is free.
    if (jobs[0].status === 'JOB_CREATED') await h.api('POST', `/${h.envId}/sf/race/jobs/${jobs[0].job_id}/cancel`);
  });

  test('a claim whose scheduler died is taken over: the job is created once, or found if it was made', async () => {
    const store = h.sinew.services.store;
    await link('crashed');
    await schedule('crashed');
    const due = await dueAt('crashed');
    // A scheduler claimed the tick, then died before creating the job.
    assert.equal(await store.schedules.claimTick(key('crashed'), due, due + YEAR_MS, due + 10), true);
    assert.equal((await scheduler.runOnce(due + 60_000)).recovered, 0, 'too early to call the claim stale');
    const report = await scheduler.runOnce(due + 10 * 60_000);
    assert.equal(report.recovered, 1);
    assert.equal((await scheduler.runOnce(due + 20 * 60_000)).recovered, 0);
    const jobs = await jobsOf('crashed');
    assert.equal(jobs.length, 1);
    assert.equal(jobs[0].scheduled_job, true);
    await h.waitForJob('sf', 'crashed', jobs[0].job_id);

    // This time it died after creating the job but before recording the outcome.
    const tick = Date.now() - 5 * 60_000;
    await store.schedules.putSchedule((await store.schedules.getSchedule(key('crashed')))!.schedule, tick);
    assert.equal(await store.schedules.claimTick(key('crashed'), tick, tick + YEAR_MS, tick + 10), true);
    const made = await h.sinew.services.jobs.create({
      envId: h.envId,
      flowId: 'sf',
      tenant: 'crashed',
      request: { tap },
      version: 'v1',
      startedBy: 'scheduler',
      scheduled: true,
    });
    assert.equal((await scheduler.runOnce(Date.now())).recovered, 1);
    assert.equal((await jobsOf('crashed')).length, 2, 'no third job');
    assert.equal((await store.schedules.getSchedule(key('crashed')))!.last_outcome?.result, 'created');
    await h.waitForJob('sf', 'crashed', made.job_id);
  });

  test('a schedule whose flow is gone is dropped on its next tick', async () => {
    await sourceFlow(h, { flow: 'doomed', tap, target, outDir: await h.tmp('out'), tenant: 'x', sourceConfig: { records: 1 } });
    await schedule('x', {}, 'doomed');
    const due = await dueAt('x', 'doomed');
    assert.equal((await h.api('DELETE', `/${h.envId}/flows/doomed`)).status, 204);
    await scheduler.runOnce(due + 1000);
    assert.equal(await h.sinew.services.store.schedules.getSchedule(key('x', 'doomed')), undefined);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildDist } from '../../bench/build-dist.js';
import { type Receiver, startReceiver } from '../events/test-receiver.js';
import { type Deployment, type LifecycleEvent, startDeployment } from '../support/deployment.js';
import { deliveriesClaimedBy, lifecycleWebhooksTo, RUN_LOG_TARGET, reportFaultRun } from '../support/fault-counts.js';
import { postgresSkipReason } from '../support/postgres-schema.js';
import { fixture } from '../support/singer-flow.js';
import { until } from '../support/until.js';

const skip = await postgresSkipReason();
const TERMINAL = new Set(['DISCOVER_FAILED', 'SYNC_FAILED', 'ETL_FAILED', 'EXPORT_FAILED', 'JOB_COMPLETED', 'JOB_CANCELLED']);

/**
 * The test Singer tap (plain Node, cheap to start) and a v1 source flow over it per name, into a
 * target that logs which run of which job wrote when; returns the logs.
 */
async function flows(d: Deployment, specs: { flow: string; jobSettings?: Record<string, unknown> }[]): Promise<string[]> {
  await d.api('PUT', `/${d.envId}/connectors/tap-numbers`, { kind: 'source', command: [process.execPath, fixture('tap-numbers.mjs')] });
  await d.api('PUT', `/${d.envId}/connectors/run-log`, { kind: 'target', command: [process.execPath, RUN_LOG_TARGET] });
  const logs: string[] = [];
  for (const { flow, jobSettings } of specs) {
    const log = `${await d.dir(`out-${flow}`)}/writes.log`;
    logs.push(log);
    // force_full_sync: every job emits its records (an incremental tap would have nothing left to send).
    await d.api('PUT', `/${d.envId}/flows/${flow}`, {
      name: flow,
      type: 'v1-source',
      connectors: ['tap-numbers'],
      target: { connector: 'run-log', config: { path: log } },
      job_settings: { force_full_sync: true, ...jobSettings },
    });
  }
  return logs;
}

const link = (d: Deployment, flow: string, tenant: string, config: Record<string, unknown>) =>
  d.api('POST', `/${d.envId}/${flow}/${tenant}/linkedSources`, { source: { tap: 'tap-numbers', config } });

function byJob(events: LifecycleEvent[]): Map<string, LifecycleEvent[]> {
  const out = new Map<string, LifecycleEvent[]>();
  for (const e of events) out.set(e.job_id, [...(out.get(e.job_id) ?? []), e]);
  return out;
}

const count = (events: LifecycleEvent[], status: string) => events.filter((e) => e.status === status).length;

/** How many runs of a job began: each status right after a JOB_CREATED (its creation, or a re-queue). */
const runs = (events: LifecycleEvent[]) =>
  events.filter((e, i) => i > 0 && events[i - 1]!.status === 'JOB_CREATED' && e.status !== 'JOB_CREATED').length;

/**
 * Production mode as deployed: `sinew api` and `sinew worker` processes (compiled, as `node
 * bin/sinew.js` runs them) over one PostgreSQL schema, jobs created through the HTTP API. What is
 * checked is what a user sees: job statuses and the lifecycle events in the outbox.
 */
describe('many workers over one PostgreSQL store', { skip, concurrency: false }, () => {
  let rx: Receiver;
  before(async () => {
    buildDist(false);
    rx = await startReceiver();
  });
  after(async () => rx?.close());

  test("300 jobs, 1 API and 3 workers, one SIGKILLed mid-run and another started: every job ends exactly once, the killed worker's jobs failed or re-run within the lease bound", async (t) => {
    const LEASE_MS = 4000;
    // Kill → expiry (≤ lease) → the next reaper pass (every lease/3), plus room for a loaded machine.
    const BOUND_MS = LEASE_MS + LEASE_MS / 3 + 6000;
    const d = await startDeployment({
      env: { SINEW_WORKER_LEASE_MS: String(LEASE_MS), SINEW_WORKER_CONCURRENCY: '2', SINEW_WEBHOOK_ALLOW_LOOPBACK: 'true' },
    });
    try {
      await d.start('api');
      const workers = [await d.start('worker'), await d.start('worker'), await d.start('worker')];
      await d.api('PUT', `/${d.envId}/settings`, lifecycleWebhooksTo(rx));
      // 'once' keeps the default (a lost job fails); 'retry' runs a lost job once more.
      const logs = await flows(d, [{ flow: 'once' }, { flow: 'retry', jobSettings: { worker_loss_retries: 1 } }]);
      // The two flows' links alternate, so jobs are queued (and claimed) once, retry, once, …: a
      // worker running two jobs mostly holds one of each, the moment the kill waits for. Queued flow
      // after flow, a worker held both only where one flow's block met the next, and that moment
      // could pass unseen.
      const links: [string, string][] = [];
      for (let t = 0; t < 30; t++) for (const flow of ['once', 'retry']) links.push([flow, `tenant-${t}`]);
      for (const [flow, tenant] of links) await link(d, flow, tenant, { records: 3, sleep_ms: 60 });
      // Five jobs per link, queued behind each other: each link's jobs run one at a time, in order,
      // handed from worker to worker as they end.
      for (let round = 0; round < 5; round++) {
        await Promise.all(
          links.map(([flow, tenant]) => d.api('POST', `/${d.envId}/${flow}/${tenant}/jobs`, { queue_if_active_job: true })),
        );
      }
      assert.equal((await d.jobs()).length, 300);

      // The victim: once a good part has run, at a moment it runs a started job of each flow.
      const victim = workers[0]!;
      await until('the victim running a job of each flow, 50 jobs done', 120_000, async () => {
        const rows = await d.jobs();
        const done = rows.filter((j) => TERMINAL.has(j.status)).length;
        const held = rows.filter((j) => j.lease_owner === victim.owner && j.status !== 'JOB_CREATED' && !TERMINAL.has(j.status));
        return done >= 50 && new Set(held.map((j) => j.flow_id)).size === 2;
      });
      victim.child.kill('SIGKILL');
      const killedAt = Date.now();
      await victim.exited;
      // What it had claimed to send and not recorded is sent again (at least once, by design).
      const resendable = await deliveriesClaimedBy(d, victim.child.pid!);
      // Its leases stay on the rows until they expire (it cannot release them): the jobs it held,
      // read once it is gone, so that no change of its is still on the way.
      const held = (await d.jobs()).filter((j) => j.lease_owner === victim.owner && !TERMINAL.has(j.status));
      const started = held.filter((j) => j.status !== 'JOB_CREATED');
      assert.ok(started.length > 0, 'the kill caught a job mid-run');
      await d.start('worker');

      await until('all 300 jobs ended', 240_000, async () => (await d.jobs()).every((j) => TERMINAL.has(j.status))).catch(() => undefined);
      const rows = await d.jobs();
      await reportFaultRun(t, { d, jobIds: rows.map((j) => j.job_id), injected: { SIGKILL: 1 }, rx, writeLogs: logs, resendable });
      const events = byJob(await d.events());
      const startedLost = new Map(started.map((j) => [j.job_id, j]));
      const latencies: number[] = [];
      for (const job of rows) {
        const ev = events.get(job.job_id) ?? [];
        const terminal = ev.filter((e) => TERMINAL.has(e.status));
        assert.deepEqual(
          terminal.map((e) => e.status),
          [job.status],
          `job ${job.job_id}: exactly one end, the one it has`,
        );
        assert.equal(count(ev, 'JOB_COMPLETED'), job.status === 'JOB_COMPLETED' ? 1 : 0, `job ${job.job_id}: JOB_COMPLETED events`);
        const lostRun = startedLost.get(job.job_id);
        if (!lostRun) {
          assert.equal(
            job.status,
            'JOB_COMPLETED',
            `job ${job.job_id} (not on the killed worker) ended ${job.status}: ${terminal[0]?.error ?? ''}`,
          );
          // Claimed-but-unstarted jobs of the victim went back to the queue without a trace; all others ran once.
          assert.equal(runs(ev), 1, `job ${job.job_id} ran once`);
          continue;
        }
        if (lostRun.flow_id === 'once') {
          assert.match(job.status, /_FAILED$/, `job ${job.job_id} of the killed worker, no retries: failed`);
          const end = terminal[0]!;
          assert.match(end.error ?? '', new RegExp(`stopped before it finished \\(its lease, held by ${victim.owner}, was not renewed\\)`));
          assert.ok(end.at - killedAt <= BOUND_MS, `failed ${end.at - killedAt} ms after the kill (bound ${BOUND_MS} ms)`);
          latencies.push(end.at - killedAt);
        } else {
          assert.equal(job.status, 'JOB_COMPLETED', `job ${job.job_id} of the killed worker, 1 retry: ran again and completed`);
          const requeue = ev.filter(
            (e) => e.status === 'JOB_CREATED' && /^re-queued: the worker running this job stopped/.test(e.message ?? ''),
          );
          assert.equal(requeue.length, 1, `job ${job.job_id}: one re-queue event`);
          assert.ok(
            requeue[0]!.at - killedAt <= BOUND_MS,
            `re-queued ${requeue[0]!.at - killedAt} ms after the kill (bound ${BOUND_MS} ms)`,
          );
          assert.equal(runs(ev), 2, `job ${job.job_id}: the lost run and the one that completed`);
          latencies.push(requeue[0]!.at - killedAt);
        }
      }
      const flowsHit = new Set(started.map((j) => j.flow_id));
      assert.deepEqual([...flowsHit].sort(), ['once', 'retry'], 'both outcomes of a lost worker were exercised');
      t.diagnostic(
        `killed worker held ${held.length} job(s), ${started.length} started; ended or re-queued ${latencies.join(', ')} ms after the kill (lease ${LEASE_MS} ms)`,
      );
      assert.deepEqual(await d.query('select job_id from jobs where lease_owner is not null'), [], 'no lease is left behind');
    } finally {
      await d.dispose();
    }
  });

  test('SIGTERM drains a worker: a job that finishes within the grace period completes there, one that does not is handed back and completed by another worker', async () => {
    const GRACE_MS = 6000;
    const d = await startDeployment({ env: { SINEW_WORKER_GRACE_MS: String(GRACE_MS), SINEW_WORKER_CONCURRENCY: '2' } });
    try {
      await d.start('api');
      const first = await d.start('worker');
      await flows(d, [{ flow: 'drain' }]);
      // quick: ~1.8 s of records, well inside the grace period; slow: ~10 s, well past it.
      await link(d, 'drain', 'quick', { records: 6, sleep_ms: 300 });
      await link(d, 'drain', 'slow', { records: 100, sleep_ms: 100 });
      const quick = await d.api<{ job_id: string }>('POST', `/${d.envId}/drain/quick/jobs`, {});
      const slow = await d.api<{ job_id: string }>('POST', `/${d.envId}/drain/slow/jobs`, {});
      await until('both running on the first worker', 60_000, async () => {
        const rows = await d.jobs();
        return rows.filter((j) => j.lease_owner === first.owner && j.status === 'SYNC_STARTED').length === 2;
      });
      // SIGTERM at once (the quick job must still be running); the second worker starts meanwhile.
      const sigtermAt = Date.now();
      const stopping = first.stop('SIGTERM');
      await d.start('worker');
      const exit = await stopping;
      const stoppedAfter = Date.now() - sigtermAt;
      assert.equal(exit.code, 0, first.stderr());
      assert.ok(stoppedAfter < GRACE_MS + 8000, `the worker took ${stoppedAfter} ms to stop`);

      const ended = await until('both ended', 90_000, async () => {
        const rows = await d.jobs();
        return rows.every((j) => TERMINAL.has(j.status)) && rows;
      });
      assert.deepEqual(
        ended.map((j) => j.status),
        ['JOB_COMPLETED', 'JOB_COMPLETED'],
      );
      const events = byJob(await d.events());
      const q = events.get(quick.job_id)!;
      assert.deepEqual(
        q.map((e) => e.status).filter((s) => s === 'JOB_CREATED' || s === 'SYNC_STARTED' || s === 'JOB_COMPLETED'),
        ['JOB_CREATED', 'SYNC_STARTED', 'JOB_COMPLETED'],
        'the quick job ran once, on the draining worker',
      );
      assert.ok(q.find((e) => e.status === 'JOB_COMPLETED')!.at > sigtermAt, 'it finished during the drain');
      const s = events.get(slow.job_id)!;
      const handedBack = s.filter((e) => e.status === 'JOB_CREATED' && /^handed back/.test(e.message ?? ''));
      assert.equal(handedBack.length, 1, 'the slow job was handed back once');
      const after = handedBack[0]!.at - sigtermAt;
      assert.ok(after >= GRACE_MS - 200 && after <= GRACE_MS + 6000, `handed back ${after} ms after SIGTERM (grace ${GRACE_MS} ms)`);
      assert.equal(runs(s), 2, 'it ran again from the start');
      assert.equal(count(s, 'JOB_COMPLETED'), 1);
    } finally {
      await d.dispose();
    }
  });
});

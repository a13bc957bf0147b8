import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildDist } from '../../bench/build-dist.js';
import { type Receiver, startReceiver } from '../events/test-receiver.js';
import { startDeployment } from '../support/deployment.js';
import { lifecycleWebhooksTo, RUN_LOG_TARGET, reportFaultRun } from '../support/fault-counts.js';
import { postgresSkipReason } from '../support/postgres-schema.js';
import { fixture } from '../support/singer-flow.js';
import { until } from '../support/until.js';

const skip = await postgresSkipReason();

/**
 * A second SIGTERM to a draining `sinew worker` (compiled, over PostgreSQL): it stops waiting for
 * the grace period and hands its running job back at once, then exits — the job is queued for
 * another worker, not left to fail as lost. The hand-back's message belongs to the run it ended:
 * the next run's events do not carry it.
 */
describe('a second stop signal', { skip }, () => {
  let rx: Receiver;
  before(async () => {
    buildDist(false);
    rx = await startReceiver();
  });
  after(async () => rx?.close());

  test('hands the running job back at once and exits; another worker runs it, and the new run does not carry the hand-back message', async (t) => {
    // Far longer than the test: only the second signal can end this drain in time.
    const GRACE_MS = 120_000;
    const d = await startDeployment({ env: { SINEW_WORKER_GRACE_MS: String(GRACE_MS), SINEW_WEBHOOK_ALLOW_LOOPBACK: 'true' } });
    try {
      await d.start('api');
      const first = await d.start('worker');
      await d.api('PUT', `/${d.envId}/connectors/tap-numbers`, { kind: 'source', command: [process.execPath, fixture('tap-numbers.mjs')] });
      await d.api('PUT', `/${d.envId}/connectors/run-log`, { kind: 'target', command: [process.execPath, RUN_LOG_TARGET] });
      await d.api('PUT', `/${d.envId}/settings`, lifecycleWebhooksTo(rx));
      const log = `${await d.dir('out')}/writes.log`;
      await d.api('PUT', `/${d.envId}/flows/f`, {
        name: 'f',
        type: 'v1-source',
        connectors: ['tap-numbers'],
        target: { connector: 'run-log', config: { path: log } },
      });
      // ~100 s of records: the job is still running whenever the signals come.
      await d.api('POST', `/${d.envId}/f/t/linkedSources`, { source: { tap: 'tap-numbers', config: { records: 1000, sleep_ms: 100 } } });
      const { job_id } = await d.api<{ job_id: string }>('POST', `/${d.envId}/f/t/jobs`, {});
      await until('the job syncing on the first worker', 60_000, async () =>
        (await d.jobs()).some((j) => j.lease_owner === first.owner && j.status === 'SYNC_STARTED'),
      );

      first.child.kill('SIGTERM');
      // Two signals sent back to back may reach the process as one: the second goes once the first is seen.
      await until('the first SIGTERM acknowledged', 10_000, async () => /SIGTERM: stopping/.test(first.stderr()));
      const secondAt = Date.now();
      const exit = await first.stop('SIGTERM');
      const tookMs = Date.now() - secondAt;
      assert.equal(exit.code, 0, first.stderr());
      assert.ok(tookMs < 15_000, `exited ${tookMs} ms after the second SIGTERM (grace ${GRACE_MS} ms)`);
      assert.match(first.stderr(), /SIGTERM again: handing running jobs back now/);

      const [row] = await d.jobs();
      assert.deepEqual(
        [row!.status, row!.lease_owner],
        ['JOB_CREATED', null],
        'handed back before the exit, not left running (to fail as lost)',
      );
      const handedBack = (await d.events()).filter((e) => e.status === 'JOB_CREATED' && e.message !== null);
      assert.equal(handedBack.length, 1);
      assert.match(handedBack[0]!.message!, /^handed back: the worker running this job was told to stop at once \(a second stop signal\)/);

      // A short run this time (the link's config is read when a run starts), on another worker.
      await d.api('POST', `/${d.envId}/f/t/linkedSources`, { source: { tap: 'tap-numbers', config: { records: 3 } } });
      await d.start('worker');
      await until('the job completed', 60_000, async () => (await d.jobs())[0]!.status === 'JOB_COMPLETED').catch(() => undefined);
      await reportFaultRun(t, { d, jobIds: [job_id], injected: { SIGTERM: 2 }, rx, writeLogs: [log] });
      const events = (await d.events()).filter((e) => e.job_id === job_id);
      const newRun = events.slice(events.findIndex((e) => e.status === 'JOB_CREATED' && e.message !== null) + 1);
      assert.deepEqual(
        newRun
          .map((e) => e.status)
          .filter((s) => s.endsWith('_STARTED') || s === 'JOB_COMPLETED')
          .slice(-1),
        ['JOB_COMPLETED'],
      );
      assert.deepEqual(
        newRun.filter((e) => /handed back/.test(e.message ?? '')).map((e) => e.status),
        [],
        'no event of the new run carries the hand-back message',
      );
      const job = await d.api<{ status: string; message: string | null }>('GET', `/${d.envId}/f/t/jobs/${job_id}`);
      assert.equal(job.status, 'JOB_COMPLETED');
      assert.doesNotMatch(job.message ?? '', /handed back/);
    } finally {
      await d.dispose();
    }
  });
});

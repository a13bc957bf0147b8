import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, type TestContext, test } from 'node:test';
import { buildDist } from '../../bench/build-dist.js';
import { isTerminal, type JobStatus } from '../../src/model/job.js';
import { type Receiver, startReceiver } from '../events/test-receiver.js';
import { type Deployment, startDeployment } from '../support/deployment.js';
import { lifecycleWebhooksTo, RUN_LOG_TARGET, type RunWrite, reportFaultRun, runWrites } from '../support/fault-counts.js';
import { postgresSkipReason } from '../support/postgres-schema.js';
import { fixture } from '../support/singer-flow.js';
import { until } from '../support/until.js';

const skip = await postgresSkipReason();
const LEASE_MS = 3000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The target's writes, grouped by the target process (one per run) that made them. */
async function writesByRun(file: string): Promise<Map<number, RunWrite[]>> {
  const runs = new Map<number, RunWrite[]>();
  for (const w of await runWrites(file)) runs.set(w.pid, [...(runs.get(w.pid) ?? []), w]);
  return runs;
}

/** The counts issue #11 asks of a fault run (test/support/fault-counts.ts): one pause here. */
const reportCounts = (t: TestContext, d: Deployment, rx: Receiver, jobId: string, log: string): Promise<void> =>
  reportFaultRun(t, { d, jobIds: [jobId], injected: { SIGSTOP: 1 }, rx, writeLogs: [log] });

/**
 * A worker paused (SIGSTOP) past its lease: its job process must stop its connectors by itself
 * before another worker may take the job over (its own timer: a paused worker runs none).
 */
describe('a worker paused past its lease', { skip, concurrency: false }, () => {
  let rx: Receiver;
  before(async () => {
    buildDist(false);
    rx = await startReceiver();
  });
  after(async () => rx?.close());

  async function setUp(d: Deployment, jobSettings: Record<string, unknown>): Promise<{ log: string; jobId: string }> {
    const log = path.join(await d.dir('runs'), 'writes.log');
    await d.api('PUT', `/${d.envId}/connectors/tap-numbers`, {
      kind: 'source',
      command: [process.execPath, fixture('tap-numbers.mjs')],
      capabilities: { discover: false },
    });
    await d.api('PUT', `/${d.envId}/connectors/run-log`, { kind: 'target', command: [process.execPath, RUN_LOG_TARGET] });
    await d.api('PUT', `/${d.envId}/settings`, lifecycleWebhooksTo(rx));
    await d.api('PUT', `/${d.envId}/flows/stall`, {
      name: 'stall',
      type: 'v1-source',
      connectors: ['tap-numbers'],
      target: { connector: 'run-log', config: { path: log } },
      job_settings: jobSettings,
    });
    // ~12 s of records, written by the target as they come (a streaming job).
    await d.api('POST', `/${d.envId}/stall/t/linkedSources`, { source: { tap: 'tap-numbers', config: { records: 120, sleep_ms: 100 } } });
    const job = await d.api<{ job_id: string }>('POST', `/${d.envId}/stall/t/jobs`, { streaming_job: true });
    return { log, jobId: job.job_id };
  }

  test('with worker_loss_retries the job runs again on another worker, and the two runs never write at once', async (t) => {
    const d = await startDeployment({ env: { SINEW_WORKER_LEASE_MS: String(LEASE_MS), SINEW_WEBHOOK_ALLOW_LOOPBACK: 'true' } });
    try {
      await d.start('api');
      const first = await d.start('worker');
      const { log, jobId } = await setUp(d, { worker_loss_retries: 1, force_full_sync: true });
      await until(
        'the first run writing',
        60_000,
        async () => (await writesByRun(log)).size === 1 && [...(await writesByRun(log)).values()][0]!.length >= 5,
      );
      await d.start('worker');
      const pid = first.child.pid!;
      process.kill(pid, 'SIGSTOP');
      const pausedAt = Date.now();
      try {
        await until('the job re-queued and running again', 60_000, async () => (await writesByRun(log)).size >= 2);
        // Paused well past the lease, then resumed while the second run writes.
        await sleep(Math.max(0, 2 * LEASE_MS - (Date.now() - pausedAt)));
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      await until('the job ended', 90_000, async () =>
        (await d.jobs()).find((j) => j.job_id === jobId && isTerminal(j.status as JobStatus)),
      ).catch(() => undefined);
      await reportCounts(t, d, rx, jobId, log);
      const job = (await d.jobs()).find((j) => j.job_id === jobId)!;
      if (job.status !== 'JOB_COMPLETED')
        assert.fail(`the job ended ${job.status}: ${JSON.stringify(await d.api('GET', `/${d.envId}/stall/t/jobs/${jobId}`))}`);
      const runs = await writesByRun(log);
      assert.equal(runs.size, 2, 'two runs wrote');
      const firstRunLast = Math.min(...[...runs.values()].map((w) => w.at(-1)!.at));
      assert.ok(
        firstRunLast < pausedAt + LEASE_MS,
        `the paused run's last write came ${firstRunLast - pausedAt} ms after the pause, past its lease`,
      );
      assert.equal(first.child.exitCode, null, 'the paused worker lives on');
    } finally {
      await d.dispose();
    }
  });

  test('without retries the job fails, and its target writes nothing after the lease ran out', async (t) => {
    const d = await startDeployment({ env: { SINEW_WORKER_LEASE_MS: String(LEASE_MS), SINEW_WEBHOOK_ALLOW_LOOPBACK: 'true' } });
    try {
      await d.start('api');
      const first = await d.start('worker');
      const { log, jobId } = await setUp(d, { worker_loss_retries: 0, force_full_sync: true });
      await until(
        'the run writing',
        60_000,
        async () => ((await writesByRun(log)).get([...(await writesByRun(log)).keys()][0]!)?.length ?? 0) >= 5,
      );
      await d.start('worker');
      const pid = first.child.pid!;
      process.kill(pid, 'SIGSTOP');
      const pausedAt = Date.now();
      let job: Awaited<ReturnType<typeof d.jobs>>[number];
      try {
        job = await until('the job failed by the other worker', 60_000, async () =>
          (await d.jobs()).find((j) => j.job_id === jobId && isTerminal(j.status as JobStatus)),
        );
        await sleep(LEASE_MS); // the subject: still paused a lease after the job ended elsewhere
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      await reportCounts(t, d, rx, jobId, log);
      assert.notEqual(job.status, 'JOB_COMPLETED');
      const failedAt = (await d.events()).find((e) => e.job_id === jobId && isTerminal(e.status as JobStatus))!.at;
      const writes = [...(await writesByRun(log)).values()].flat();
      const last = Math.max(...writes.map((w) => w.at));
      assert.ok(last < failedAt, `the target wrote ${last - failedAt} ms after the job was failed`);
      assert.ok(last < pausedAt + LEASE_MS, `the target wrote ${last - pausedAt} ms into the pause, past the lease`);
    } finally {
      await d.dispose();
    }
  });
});

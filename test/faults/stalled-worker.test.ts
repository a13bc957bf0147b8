import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildDist } from '../../bench/build-dist.js';
import { isTerminal, type JobStatus } from '../../src/model/job.js';
import { type Deployment, startDeployment } from '../support/deployment.js';
import { postgresSkipReason } from '../support/postgres-schema.js';
import { fixture } from '../support/singer-flow.js';
import { until } from '../support/until.js';

const skip = await postgresSkipReason();
const RUN_LOG_TARGET = fileURLToPath(new URL('../fixtures/faults/target-run-log.mjs', import.meta.url));
const LEASE_MS = 3000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Write {
  at: number;
  pid: number;
}

/** The target's writes, grouped by the target process (one per run) that made them. */
async function writesByRun(file: string): Promise<Map<number, Write[]>> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  const runs = new Map<number, Write[]>();
  for (const line of text.split('\n').filter(Boolean)) {
    const [at, pid] = line.split(' ').map(Number) as [number, number];
    runs.set(pid, [...(runs.get(pid) ?? []), { at, pid }]);
  }
  return runs;
}

/** Pairs of runs whose first-to-last write intervals overlap: two runs of one job writing at once. */
function overlaps(runs: Map<number, Write[]>): string[] {
  const spans = [...runs.entries()].map(([pid, w]) => ({ pid, from: w[0]!.at, to: w.at(-1)!.at }));
  const out: string[] = [];
  for (const a of spans)
    for (const b of spans)
      if (a.pid < b.pid && a.from <= b.to && b.from <= a.to) out.push(`${a.pid} [${a.from}, ${a.to}] and ${b.pid} [${b.from}, ${b.to}]`);
  return out;
}

/**
 * A worker paused (SIGSTOP) past its lease: its job process must stop its connectors by itself
 * before another worker may take the job over (its own timer: a paused worker runs none).
 */
describe('a worker paused past its lease', { skip, concurrency: false }, () => {
  before(() => buildDist(false));

  async function setUp(d: Deployment, jobSettings: Record<string, unknown>): Promise<{ log: string; jobId: string }> {
    const log = path.join(await d.dir('runs'), 'writes.log');
    await d.api('PUT', `/${d.envId}/connectors/tap-numbers`, {
      kind: 'source',
      command: [process.execPath, fixture('tap-numbers.mjs')],
      capabilities: { discover: false },
    });
    await d.api('PUT', `/${d.envId}/connectors/run-log`, { kind: 'target', command: [process.execPath, RUN_LOG_TARGET] });
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

  test('with worker_loss_retries the job runs again on another worker, and the two runs never write at once', async () => {
    const d = await startDeployment({ env: { SINEW_WORKER_LEASE_MS: String(LEASE_MS) } });
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
      const job = await until('the job ended', 90_000, async () =>
        (await d.jobs()).find((j) => j.job_id === jobId && isTerminal(j.status as JobStatus)),
      );
      if (job.status !== 'JOB_COMPLETED')
        assert.fail(`the job ended ${job.status}: ${JSON.stringify(await d.api('GET', `/${d.envId}/stall/t/jobs/${jobId}`))}`);
      const runs = await writesByRun(log);
      assert.equal(runs.size, 2, 'two runs wrote');
      assert.deepEqual(overlaps(runs), [], 'no two runs of the job wrote at once');
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

  test('without retries the job fails, and its target writes nothing after the lease ran out', async () => {
    const d = await startDeployment({ env: { SINEW_WORKER_LEASE_MS: String(LEASE_MS) } });
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

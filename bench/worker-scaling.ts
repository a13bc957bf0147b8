/**
 * Production mode (PostgreSQL store, pg-boss queue), against itself and the embedded mode, in one run:
 *  1. Throughput of short jobs with 1 and with 3 `sinew worker` processes (concurrency 1 each)
 *     behind one `sinew api`: N jobs submitted at once, one link each; jobs/s from the first job's
 *     creation to the last one's JOB_COMPLETED (server timestamps); the ratio 3 / 1 per round.
 *  2. Per job, one at a time (nothing queued behind anything): pick-up (created → SYNC_STARTED:
 *     queue, claim, plan, job process start) and the whole job, production (api + 1 worker on
 *     PostgreSQL) against embedded (`sinew serve`, SQLite, in-process queue) — the difference is
 *     what production mode costs a job.
 *  3. The queue alone: enqueue call, and enqueue → handler, in-process vs pg-boss.
 * Everything runs from dist/, each Sinew process a child, as deployed.
 * Usage: node --import tsx bench/worker-scaling.ts [--jobs N (90)] [--repeat K (2)] [--one-by-one N (20)] [--queue-items N (300)] [--no-build]
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { startDeployment } from '../test/support/deployment.js';
import { postgresSkipReason } from '../test/support/postgres-schema.js';
import { buildDist } from './build-dist.js';
import { onCleanup, runMain } from './exit-cleanup.js';
import { describeMachine } from './machine-load.js';
import { median } from './median.js';
import { percentile } from './percentile.js';
import { measureQueueLatency } from './queue-latency.js';
import { type Call, runAll, runOneByOne, type ShortJob, setUpShortJobs } from './short-jobs.js';
import { startSinewServer } from './sinew-server.js';
import { formatTable, seconds } from './text-table.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const n = i === -1 ? fallback : Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer`);
  return n;
};

/** A deployment on a fresh schema with one API and `workers` worker processes (concurrency 1). */
async function production<T>(workers: number, links: number, body: (call: Call, envId: string) => Promise<T>): Promise<T> {
  const d = await startDeployment({ env: { SINEW_WORKER_CONCURRENCY: '1' } });
  const unregister = onCleanup(d.dispose);
  try {
    await d.start('api');
    for (let w = 0; w < workers; w++) await d.start('worker');
    await setUpShortJobs(d.api, d.envId, await d.dir('out'), links);
    return await body(d.api, d.envId);
  } finally {
    unregister();
    await d.dispose();
  }
}

async function embedded<T>(links: number, body: (call: Call, envId: string) => Promise<T>): Promise<T> {
  const server = await startSinewServer({ env: { SINEW_WORKER_CONCURRENCY: '1' } });
  try {
    const call: Call = async (method, urlPath, b) => (await server.api(method, urlPath, b)).body;
    const out = path.join(server.dataDir, 'out');
    await mkdir(out);
    await setUpShortJobs(call, server.envId, out, links);
    return await body(call, server.envId);
  } finally {
    await server.stop();
  }
}

const jobsPerSecond = (jobs: ShortJob[]): { wall: number; rate: number } => {
  const first = Math.min(...jobs.map((j) => j.status_timestamp.JOB_CREATED!));
  const last = Math.max(...jobs.map((j) => j.status_timestamp.JOB_COMPLETED!));
  const wall = (last - first) / 1000;
  return { wall, rate: jobs.length / wall };
};

const spans = (jobs: ShortJob[], from: string, to: string): number[] =>
  jobs.map((j) => j.status_timestamp[to]! - j.status_timestamp[from]!).sort((a, b) => a - b);

runMain(async () => {
  const jobs = arg('jobs', 90);
  const repeat = arg('repeat', 2);
  const oneByOne = arg('one-by-one', 20);
  const queueItems = arg('queue-items', 300);
  buildDist(process.argv.includes('--no-build'));
  const skip = await postgresSkipReason();
  if (skip) {
    process.stdout.write(`# worker-scaling: ${skip}\n`);
    return;
  }
  process.stdout.write(`# ${describeMachine()}\n`);

  const rounds: { one: number; three: number; wallOne: number; wallThree: number }[] = [];
  for (let round = 1; round <= repeat; round++) {
    const one = await production(1, jobs, (call, env) => runAll(call, env, jobs));
    const three = await production(3, jobs, (call, env) => runAll(call, env, jobs));
    const a = jobsPerSecond(one);
    const b = jobsPerSecond(three);
    rounds.push({ one: a.rate, three: b.rate, wallOne: a.wall, wallThree: b.wall });
    process.stdout.write(
      `  round ${round}: 1 worker ${a.rate.toFixed(2)} jobs/s (${seconds(a.wall)} s), 3 workers ${b.rate.toFixed(2)} jobs/s (${seconds(b.wall)} s)\n`,
    );
  }

  const prodJobs = await production(1, 1, (call, env) => runOneByOne(call, env, oneByOne));
  const embeddedJobs = await embedded(1, (call, env) => runOneByOne(call, env, oneByOne));
  const queue = await measureQueueLatency(queueItems, true);

  const ratios = rounds.map((r) => r.three / r.one);
  const out: string[] = [
    `## Worker scaling: ${jobs} short jobs (Node test pair, 3 records per stream, one link each), PostgreSQL + pg-boss, median of ${repeat} round(s)`,
    `# ${describeMachine()}`,
    '',
    formatTable(
      ['worker processes', 'jobs/s', 'wall s', 'runs (jobs/s)'],
      [
        [
          1,
          median(rounds.map((r) => r.one)).toFixed(2),
          seconds(median(rounds.map((r) => r.wallOne))),
          rounds.map((r) => r.one.toFixed(2)).join(' '),
        ],
        [
          3,
          median(rounds.map((r) => r.three)).toFixed(2),
          seconds(median(rounds.map((r) => r.wallThree))),
          rounds.map((r) => r.three.toFixed(2)).join(' '),
        ],
      ],
    ),
    '',
    `3 workers / 1 worker: ${median(ratios).toFixed(2)}× (rounds: ${ratios.map((r) => `${r.toFixed(2)}×`).join(' ')}); each worker runs one job at a time`,
    '',
    `## Per job, one at a time (${oneByOne} jobs after a first that ran the discover)`,
    '',
  ];
  const rows: (string | number)[][] = [];
  for (const [mode, list] of [
    ['embedded: sinew serve, SQLite, in-process queue', embeddedJobs],
    ['production: sinew api + sinew worker, PostgreSQL, pg-boss', prodJobs],
  ] as const) {
    const pickup = spans(list, 'JOB_CREATED', 'SYNC_STARTED');
    const total = spans(list, 'JOB_CREATED', 'JOB_COMPLETED');
    rows.push([mode, percentile(pickup, 50), percentile(pickup, 95), percentile(total, 50), percentile(total, 95)]);
  }
  rows.push(['production − embedded (p50)', Number(rows[1]![1]) - Number(rows[0]![1]), '', Number(rows[1]![3]) - Number(rows[0]![3]), '']);
  out.push(formatTable(['mode', 'pick-up p50 ms', 'p95', 'whole job p50 ms', 'p95'], rows), '');
  out.push(`## The queue alone: ${queueItems} items one at a time`, '');
  out.push(
    formatTable(
      ['queue', 'enqueue p50 ms', 'p95', 'enqueue → handler p50 ms', 'p95'],
      queue.map((q) => [
        q.queue,
        q.enqueueMs.p50.toFixed(2),
        q.enqueueMs.p95.toFixed(2),
        q.handlerMs.p50.toFixed(2),
        q.handlerMs.p95.toFixed(2),
      ]),
    ),
    '',
  );
  process.stdout.write(`\n${out.join('\n')}`);
});

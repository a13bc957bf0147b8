/**
 * Throughput of a Singer tap → Sinew → Singer target job against the bare programs, for each pair:
 *   tap > file, target < file, tap | target   (baselines, run by /bin/sh)
 *   Sinew phased job     (sync → pass-through ETL → export)   target: ≤ 1.10 × (tap>file + target<file)
 *   Sinew streaming job  (streaming_job: true)                target: ≤ 1.10 × (tap | target)
 * Each round runs all five back to back, so a ratio compares runs minutes apart at most; the tables
 * show medians over --repeat rounds (ratios: the median of the per-round ratios).
 * Usage: node --import tsx bench/job-throughput.ts [--records N] [--pairs node,python,python-unbuffered] [--repeat K] [--no-build] [--sinew-root DIR]
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BenchOptions, parseBenchOptions, recordsPerStream } from './bench-options.js';
import { buildDist } from './build-dist.js';
import { runMain } from './exit-cleanup.js';
import { describeMachine } from './machine-load.js';
import { median } from './median.js';
import { formatPhases, runSinewJob, type SinewJobResult } from './sinew-job-run.js';
import { registerPipeline } from './sinew-pipeline.js';
import { startSinewServer } from './sinew-server.js';
import type { SingerPair } from './singer-pairs.js';
import { emptyDir, makeTempDir } from './temp-dir.js';
import { formatTable, perSecond, seconds } from './text-table.js';
import { type TimedRun, tapPipeTarget, tapToFile, targetFromFile, writeJson } from './timed-process.js';

// Issue #19: an orchestrator that moves bytes and counts lines should cost almost nothing on top.
const PHASED_TARGET = 1.1;
const STREAMING_TARGET = 1.1;

const MEASUREMENTS = ['tap > file', 'target < file', 'tap | target', 'sinew phased', 'sinew streaming'] as const;
type Measurement = (typeof MEASUREMENTS)[number];

interface Round {
  runs: Record<Measurement, TimedRun>;
  phased: SinewJobResult;
  streaming: SinewJobResult;
}

export interface PairResults {
  pair: SingerPair;
  rounds: Round[];
}

/** A generous bound per run: a million records take seconds, so this only catches a hang. */
const timeoutFor = (records: number): number => 120_000 + records * 0.3;

async function measurePair(
  options: BenchOptions,
  pair: SingerPair,
  server: Awaited<ReturnType<typeof startSinewServer>>,
): Promise<PairResults> {
  const perStream = recordsPerStream(options.records);
  const total = perStream * 2;
  const timeoutMs = timeoutFor(total);
  const work = await makeTempDir(`throughput-${pair.name}`);
  try {
    const targetDir = path.join(work.path, 'target-out');
    await mkdir(targetDir);
    const tapConfig = path.join(work.path, 'tap-config.json');
    const targetConfig = path.join(work.path, 'target-config.json');
    await writeJson(tapConfig, { records: perStream });
    await writeJson(targetConfig, { path: targetDir });
    const singerFile = path.join(work.path, 'tap-output.singer');
    const pipeline = await registerPipeline(server, pair, perStream, targetDir);
    const rounds: Round[] = [];
    for (let round = 1; round <= options.repeat; round++) {
      const runs = {} as Record<Measurement, TimedRun>;
      const note = (m: Measurement, run: TimedRun, extra = ''): void => {
        runs[m] = run;
        process.stdout.write(
          `  ${pair.name} round ${round}: ${m.padEnd(16)} ${seconds(run.seconds).padStart(7)} s  cpu ${seconds(run.cpu)} s${extra}\n`,
        );
      };
      note('tap > file', await tapToFile(pair.tap, tapConfig, singerFile, work.path, timeoutMs));
      await emptyDir(targetDir);
      note('target < file', await targetFromFile(pair.target, targetConfig, singerFile, work.path, timeoutMs));
      await emptyDir(targetDir);
      note('tap | target', await tapPipeTarget(pair.tap, tapConfig, pair.target, targetConfig, work.path, timeoutMs));
      await emptyDir(targetDir);
      const sinewJob = async (streaming: boolean): Promise<SinewJobResult> => {
        const job = await runSinewJob(server, pipeline, { streaming, timeoutMs });
        if (job.records !== total) throw new Error(`job ${job.jobId} carried ${job.records} records, expected ${total}`);
        note(
          streaming ? 'sinew streaming' : 'sinew phased',
          job,
          `  (${formatPhases(job.phases)}; server cpu ${seconds(job.serverCpu)} s; job process peak RSS ${job.memoryMiB} MiB)`,
        );
        return job;
      };
      const phased = await sinewJob(false);
      rounds.push({ runs, phased, streaming: await sinewJob(true) });
    }
    return { pair, rounds };
  } finally {
    await work.remove();
  }
}

export async function measureThroughput(options: BenchOptions): Promise<PairResults[]> {
  const server = await startSinewServer({ root: options.sinewRoot });
  try {
    const results: PairResults[] = [];
    for (const pair of options.pairs) results.push(await measurePair(options, pair, server));
    return results;
  } finally {
    await server.stop();
  }
}

const phasedRatio = (r: Round, of: 'seconds' | 'cpu'): number =>
  r.runs['sinew phased'][of] / (r.runs['tap > file'][of] + r.runs['target < file'][of]);
const streamingRatio = (r: Round, of: 'seconds' | 'cpu'): number => r.runs['sinew streaming'][of] / r.runs['tap | target'][of];

/** The round whose job time is the median one (its phases are shown). */
function medianJob(jobs: SinewJobResult[]): SinewJobResult {
  const m = median(jobs.map((j) => j.seconds));
  return jobs.reduce((best, j) => (Math.abs(j.seconds - m) < Math.abs(best.seconds - m) ? j : best));
}

export function formatThroughput(results: PairResults[], options: BenchOptions): string {
  const total = recordsPerStream(options.records) * 2;
  const rows: (string | number)[][] = [];
  const ratios: (string | number)[][] = [];
  for (const { pair, rounds } of results) {
    for (const m of MEASUREMENTS) {
      const wall = median(rounds.map((r) => r.runs[m].seconds));
      const cpu = median(rounds.map((r) => r.runs[m].cpu));
      const jobs = m === 'sinew phased' ? rounds.map((r) => r.phased) : m === 'sinew streaming' ? rounds.map((r) => r.streaming) : null;
      rows.push([
        pair.name,
        m,
        seconds(wall),
        perSecond(total, wall),
        rounds.map((r) => seconds(r.runs[m].seconds)).join(' '),
        seconds(cpu),
        jobs ? Math.max(...jobs.map((j) => j.memoryMiB)).toFixed(1) : '',
        jobs ? formatPhases(medianJob(jobs).phases) : '',
      ]);
    }
    const verdict = (v: number, target: number): string => (v <= target ? 'met' : 'MISSED');
    const phased = median(rounds.map((r) => phasedRatio(r, 'seconds')));
    const streaming = median(rounds.map((r) => streamingRatio(r, 'seconds')));
    ratios.push([
      pair.name,
      'phased / (tap>file + target<file)',
      `${phased.toFixed(2)}×`,
      `≤ ${PHASED_TARGET.toFixed(2)}×`,
      verdict(phased, PHASED_TARGET),
      `${median(rounds.map((r) => phasedRatio(r, 'cpu'))).toFixed(2)}×`,
    ]);
    ratios.push([
      pair.name,
      'streaming / (tap | target)',
      `${streaming.toFixed(2)}×`,
      `≤ ${STREAMING_TARGET.toFixed(2)}×`,
      verdict(streaming, STREAMING_TARGET),
      `${median(rounds.map((r) => streamingRatio(r, 'cpu'))).toFixed(2)}×`,
    ]);
  }
  return [
    `## Job throughput: ${total.toLocaleString('en-US')} records, median of ${options.repeat} round(s)`,
    `# ${describeMachine()}`,
    '',
    formatTable(
      ['pair', 'measurement', 'wall s', 'records/s', 'runs (wall s)', 'cpu s', 'job peak RSS MiB', 'phases of the median job (wall s)'],
      rows,
    ),
    '',
    formatTable(['pair', 'ratio (median of per-round ratios)', 'wall', 'target', 'verdict', 'cpu'], ratios),
    '',
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runMain(async () => {
    const options = parseBenchOptions(process.argv.slice(2));
    buildDist(options.noBuild || options.sinewRoot !== null);
    process.stdout.write(`# ${describeMachine()}\n`);
    const results = await measureThroughput(options);
    process.stdout.write(`\n${formatThroughput(results, options)}`);
  });
}

/**
 * Throughput of a Singer tap → Sinew → Singer target job against the bare programs, for each pair:
 *   tap > file, target < file, tap | target   (baselines, run by /bin/sh)
 *   Sinew phased job     (sync → pass-through ETL → export)   target: ≤ 1.2 × (tap>file + target<file)
 *   Sinew streaming job  (streaming_job: true)                target: ≤ 1.3 × (tap | target)
 * Each round runs all five back to back; the table shows medians over --repeat rounds.
 * Usage: node --import tsx bench/job-throughput.ts [--records N] [--pairs node,python] [--repeat K] [--no-build]
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseBenchOptions, recordsPerStream, type BenchOptions } from './bench-options.js';
import { buildDist } from './build-dist.js';
import { runMain } from './exit-cleanup.js';
import { median } from './median.js';
import { startSinewServer } from './sinew-server.js';
import { registerPipeline } from './sinew-pipeline.js';
import { formatPhases, runSinewJob, type SinewJobResult } from './sinew-job-run.js';
import type { SingerPair } from './singer-pairs.js';
import { formatTable, perSecond, seconds } from './text-table.js';
import { makeTempDir, emptyDir } from './temp-dir.js';
import { mkdir } from 'node:fs/promises';
import { tapPipeTarget, tapToFile, targetFromFile, writeJson } from './timed-process.js';

const PHASED_TARGET = 1.2;
const STREAMING_TARGET = 1.3;

type Measurement = 'tap > file' | 'target < file' | 'tap | target' | 'sinew phased' | 'sinew streaming';

interface PairResults {
  pair: SingerPair;
  times: Record<Measurement, number[]>;
  jobs: { phased: SinewJobResult[]; streaming: SinewJobResult[] };
}

/** A generous bound per run: 1M records take seconds, so this only catches a hang. */
const timeoutFor = (records: number): number => 120_000 + records * 0.3;

export async function measureThroughput(options: BenchOptions): Promise<PairResults[]> {
  const perStream = recordsPerStream(options.records);
  const total = perStream * 2;
  const timeoutMs = timeoutFor(total);
  const server = await startSinewServer();
  const results: PairResults[] = [];
  try {
    for (const pair of options.pairs) {
      const work = await makeTempDir(`throughput-${pair.name}`);
      const targetDir = path.join(work.path, 'target-out');
      await mkdir(targetDir);
      const tapConfig = path.join(work.path, 'tap-config.json');
      const targetConfig = path.join(work.path, 'target-config.json');
      await writeJson(tapConfig, { records: perStream });
      await writeJson(targetConfig, { path: targetDir });
      const singerFile = path.join(work.path, 'tap-output.singer');
      const pipeline = await registerPipeline(server, pair, perStream, targetDir);
      const r: PairResults = {
        pair,
        times: { 'tap > file': [], 'target < file': [], 'tap | target': [], 'sinew phased': [], 'sinew streaming': [] },
        jobs: { phased: [], streaming: [] },
      };
      for (let round = 1; round <= options.repeat; round++) {
        const note = (m: Measurement, s: number, extra = ''): void => {
          r.times[m].push(s);
          process.stdout.write(`  ${pair.name} round ${round}: ${m.padEnd(16)} ${seconds(s).padStart(7)} s${extra}\n`);
        };
        note('tap > file', (await tapToFile(pair.tap, tapConfig, singerFile, work.path, timeoutMs)).seconds);
        await emptyDir(targetDir);
        note('target < file', (await targetFromFile(pair.target, targetConfig, singerFile, work.path, timeoutMs)).seconds);
        await emptyDir(targetDir);
        note('tap | target', (await tapPipeTarget(pair.tap, tapConfig, pair.target, targetConfig, work.path, timeoutMs)).seconds);
        await emptyDir(targetDir);
        for (const streaming of [false, true]) {
          const job = await runSinewJob(server, pipeline, { streaming, timeoutMs });
          if (job.records !== total) throw new Error(`job ${job.jobId} carried ${job.records} records, expected ${total}`);
          r.jobs[streaming ? 'streaming' : 'phased'].push(job);
          note(streaming ? 'sinew streaming' : 'sinew phased', job.seconds, `  (${formatPhases(job.phases)}; job process peak RSS ${job.memoryMiB} MiB)`);
        }
      }
      await work.remove();
      results.push(r);
    }
  } finally {
    await server.stop();
  }
  return results;
}

function medianJob(jobs: SinewJobResult[]): SinewJobResult {
  const m = median(jobs.map((j) => j.seconds));
  return jobs.reduce((best, j) => (Math.abs(j.seconds - m) < Math.abs(best.seconds - m) ? j : best));
}

export function printThroughput(results: PairResults[], options: BenchOptions): void {
  const total = recordsPerStream(options.records) * 2;
  const rows: (string | number)[][] = [];
  const ratios: (string | number)[][] = [];
  for (const r of results) {
    const med = (m: Measurement): number => median(r.times[m]);
    for (const m of Object.keys(r.times) as Measurement[]) {
      const jobs = m === 'sinew phased' ? r.jobs.phased : m === 'sinew streaming' ? r.jobs.streaming : null;
      const job = jobs ? medianJob(jobs) : null;
      rows.push([
        r.pair.name,
        m,
        seconds(med(m)),
        perSecond(total, med(m)),
        r.times[m].map(seconds).join(' '),
        jobs ? `${Math.max(...jobs.map((j) => j.memoryMiB)).toFixed(1)}` : '',
        job ? formatPhases(job.phases) : '',
      ]);
    }
    const phased = med('sinew phased') / (med('tap > file') + med('target < file'));
    const streaming = med('sinew streaming') / med('tap | target');
    ratios.push([r.pair.name, 'phased / (tap>file + target<file)', `${phased.toFixed(2)}×`, `≤ ${PHASED_TARGET}×`, phased <= PHASED_TARGET ? 'met' : 'MISSED']);
    ratios.push([r.pair.name, 'streaming / (tap | target)', `${streaming.toFixed(2)}×`, `≤ ${STREAMING_TARGET}×`, streaming <= STREAMING_TARGET ? 'met' : 'MISSED']);
  }
  process.stdout.write(`\n## Job throughput: ${total.toLocaleString('en-US')} records, median of ${options.repeat}\n\n`);
  process.stdout.write(`${formatTable(['pair', 'measurement', 'seconds', 'records/s', 'runs (s)', 'job peak RSS MiB', 'phases of the median job (s)'], rows)}\n\n`);
  process.stdout.write(`${formatTable(['pair', 'ratio', 'measured', 'target', ''], ratios)}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runMain(async () => {
    const options = parseBenchOptions(process.argv.slice(2));
    buildDist(options.noBuild);
    printThroughput(await measureThroughput(options), options);
  });
}

/**
 * Peak RSS of the job process for 1M and 5M records (Node pair), phased and streaming. The job
 * process streams everything, so its peak must not grow with the data: "flat" = the 5M peak within
 * 20% of the 1M peak, and both under 200 MB. The figure is the job object's
 * `resources_usage.memoryUsage`: the job process's VmHWM (src/jobs/process/peak-memory.ts). The tap
 * and the target are separate processes and are not counted in it.
 * Usage: node --import tsx bench/memory-flatness.ts [--sizes 1000000,5000000] [--no-build] [--sinew-root DIR]
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseBenchOptions } from './bench-options.js';
import { buildDist } from './build-dist.js';
import { runMain } from './exit-cleanup.js';
import { describeMachine } from './machine-load.js';
import { formatPhases, runSinewJob, type SinewJobResult } from './sinew-job-run.js';
import { registerPipeline, setRecords } from './sinew-pipeline.js';
import { startSinewServer } from './sinew-server.js';
import { SINGER_PAIRS } from './singer-pairs.js';
import { makeTempDir } from './temp-dir.js';
import { formatTable, perSecond, seconds } from './text-table.js';

const LIMIT_MB = 200;
const FLAT_WITHIN = 0.2;

/** MiB (what the job reports) → MB (the target is in MB). */
const toMB = (mib: number): number => (mib * 1048576) / 1e6;

interface MemoryRun {
  records: number;
  mode: 'phased' | 'streaming';
  job: SinewJobResult;
}

export async function measureMemory(sizes: number[], sinewRoot: string | null): Promise<MemoryRun[]> {
  const server = await startSinewServer({ root: sinewRoot });
  const work = await makeTempDir('memory');
  try {
    const targetDir = path.join(work.path, 'target-out');
    await mkdir(targetDir);
    const pipeline = await registerPipeline(server, SINGER_PAIRS.node, 1, targetDir);
    const runs: MemoryRun[] = [];
    for (const records of sizes) {
      const perStream = Math.ceil(records / 2);
      await setRecords(server, pipeline, perStream);
      for (const mode of ['phased', 'streaming'] as const) {
        const job = await runSinewJob(server, pipeline, { streaming: mode === 'streaming', timeoutMs: 120_000 + records * 0.3 });
        if (job.records !== perStream * 2) throw new Error(`job ${job.jobId} carried ${job.records} records, expected ${perStream * 2}`);
        process.stdout.write(
          `  ${records.toLocaleString('en-US')} ${mode}: ${seconds(job.seconds)} s, job process peak RSS ${job.memoryMiB} MiB (${formatPhases(job.phases)})\n`,
        );
        runs.push({ records: perStream * 2, mode, job });
      }
    }
    return runs;
  } finally {
    await server.stop();
    await work.remove();
  }
}

export function formatMemory(runs: MemoryRun[]): string {
  const rows = runs.map((r) => [
    r.records.toLocaleString('en-US'),
    r.mode,
    seconds(r.job.seconds),
    perSecond(r.records, r.job.seconds),
    r.job.memoryMiB.toFixed(1),
    toMB(r.job.memoryMiB).toFixed(1),
    toMB(r.job.memoryMiB) < LIMIT_MB ? 'met' : 'MISSED',
  ]);
  const verdicts: string[] = [];
  for (const mode of ['phased', 'streaming'] as const) {
    const ofMode = runs.filter((r) => r.mode === mode).sort((a, b) => a.records - b.records);
    const [small] = ofMode;
    const large = ofMode.at(-1);
    if (ofMode.length < 2 || !small || !large) continue;
    const growth = large.job.memoryMiB / small.job.memoryMiB - 1;
    verdicts.push(
      `${mode}: ${large.records.toLocaleString('en-US')} vs ${small.records.toLocaleString('en-US')} records: ${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)}% peak RSS → ${Math.abs(growth) <= FLAT_WITHIN ? 'flat' : 'NOT flat'} (within ±${FLAT_WITHIN * 100}%)`,
    );
  }
  return [
    '## Job process peak RSS (Node pair)',
    `# ${describeMachine()}`,
    '',
    formatTable(['records', 'mode', 'wall s', 'records/s', 'peak RSS MiB', 'peak RSS MB', `< ${LIMIT_MB} MB`], rows),
    '',
    ...verdicts,
    'The tap and the target are separate processes, not included in these figures.',
    '',
  ].join('\n');
}

function parseSizes(argv: string[]): { sizes: number[]; rest: string[] } {
  const i = argv.indexOf('--sizes');
  if (i === -1) return { sizes: [1_000_000, 5_000_000], rest: argv };
  const sizes = (argv[i + 1] ?? '').split(',').map((s) => Number(s.replaceAll('_', '')));
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n <= 0))
    throw new Error('--sizes takes record counts, e.g. 1000000,5000000');
  return { sizes, rest: [...argv.slice(0, i), ...argv.slice(i + 2)] };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runMain(async () => {
    const { sizes, rest } = parseSizes(process.argv.slice(2));
    const options = parseBenchOptions(rest);
    buildDist(options.noBuild || options.sinewRoot !== null);
    process.stdout.write(`\n${formatMemory(await measureMemory(sizes, options.sinewRoot))}`);
  });
}

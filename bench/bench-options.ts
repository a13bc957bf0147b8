import path from 'node:path';
import { pairNamed, type SingerPair } from './singer-pairs.js';

export interface BenchOptions {
  /** Total records of a job (the tap emits half on each of its 2 streams). */
  records: number;
  pairs: SingerPair[];
  repeat: number;
  /** Skip `npm run build` (dist/ already fresh). */
  noBuild: boolean;
  /** Another Sinew checkout to measure (its bin/sinew.js and dist/), e.g. a scratch copy with a fix. */
  sinewRoot: string | null;
}

const USAGE =
  'options: --records N (total, default 1000000)  --pairs node,python,python-unbuffered  --repeat K (median, default 3)  --no-build  --sinew-root DIR (another checkout, built)';

/** Parses the shared command-line options of the benchmarks. */
export function parseBenchOptions(argv: string[], defaults: Partial<BenchOptions> = {}): BenchOptions {
  const options: BenchOptions = {
    records: defaults.records ?? 1_000_000,
    pairs: defaults.pairs ?? [pairNamed('node'), pairNamed('python'), pairNamed('python-unbuffered')],
    repeat: defaults.repeat ?? 3,
    noBuild: defaults.noBuild ?? false,
    sinewRoot: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return v;
    };
    if (arg === '--records') options.records = positiveInteger(arg, value().replaceAll('_', ''));
    else if (arg === '--pairs') options.pairs = value().split(',').filter(Boolean).map(pairNamed);
    else if (arg === '--repeat') options.repeat = positiveInteger(arg, value());
    else if (arg === '--no-build') options.noBuild = true;
    else if (arg === '--sinew-root') options.sinewRoot = path.resolve(value());
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  return options;
}

function positiveInteger(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${text}`);
  return n;
}

/** The tap's `records` config: per stream, 2 streams. */
export function recordsPerStream(totalRecords: number): number {
  return Math.ceil(totalRecords / 2);
}

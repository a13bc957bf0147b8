import { fileURLToPath } from 'node:url';

/** A Singer tap and target written in the same language, measured together. */
export interface SingerPair {
  name: PairName;
  tap: string[];
  target: string[];
}

export type PairName = 'node' | 'python' | 'python-unbuffered';

const fixture = (file: string): string => fileURLToPath(new URL(`../test/fixtures/singer/${file}`, import.meta.url));

/**
 * The test programs of test/fixtures/singer: `tap-numbers` emits `records` records PER STREAM on 2
 * streams (users, orders), with numbers that do not fit a double; `target-jsonl` appends each
 * record's raw text to `<path>/<stream>.jsonl`.
 */
export const SINGER_PAIRS: Record<PairName, SingerPair> = {
  node: { name: 'node', tap: [process.execPath, fixture('tap-numbers.mjs')], target: [process.execPath, fixture('target-jsonl.mjs')] },
  python: { name: 'python', tap: ['python3', fixture('tap-numbers.py')], target: ['python3', fixture('target-jsonl.py')] },
  // As most Python container images run them: PYTHONUNBUFFERED=1 makes the tap write() once per
  // line. Set in the command itself, so the baselines and Sinew's connectors run exactly alike
  // (the benchmarks' own environment drops the variable, see connector-environment.ts).
  'python-unbuffered': {
    name: 'python-unbuffered',
    tap: ['/usr/bin/env', 'PYTHONUNBUFFERED=1', 'python3', fixture('tap-numbers.py')],
    target: ['/usr/bin/env', 'PYTHONUNBUFFERED=1', 'python3', fixture('target-jsonl.py')],
  },
};

export function pairNamed(name: string): SingerPair {
  if (!Object.hasOwn(SINGER_PAIRS, name)) throw new Error(`unknown pair ${name} (${Object.keys(SINGER_PAIRS).join(', ')})`);
  return SINGER_PAIRS[name as PairName];
}

/**
 * The built-in database connectors against the tools a data engineer would use instead:
 *   postgres → postgres   Sinew (built-in source and target, phased and streaming) vs
 *                         `psql \copy (select …) to stdout | psql \copy … from stdin`   target ≥ 0.5×
 *                         and a Python Singer pair in the style of tap-postgres → pipelinewise
 *                         (bench/python-singer/, psycopg2 from Debian's python3-psycopg2) target ≥ 10×
 *   mysql → jsonl         Sinew vs `mysql --batch --quick -e 'select …' > file`            target ≥ 0.5×
 * Every Sinew destination is checked against the source (row count and a checksum of every row's
 * text), so a fast run that lost or changed a row fails instead of printing a figure.
 * Usage: node --import tsx bench/database-copy.ts [--rows N (1000000)] [--repeat K (1)]
 *          [--only postgres,mysql] [--flat-to M (one more run per mode at M rows: memory)] [--no-build]
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildDist } from './build-dist.js';
import { mysqlToJsonl, postgresToPostgres } from './database-copy-runs.js';
import { runMain } from './exit-cleanup.js';
import { describeMachine } from './machine-load.js';

export interface DatabaseBenchOptions {
  rows: number;
  repeat: number;
  only: Set<string>;
  flatTo: number | null;
  noBuild: boolean;
}

function parse(argv: string[]): DatabaseBenchOptions {
  const o: DatabaseBenchOptions = { rows: 1_000_000, repeat: 1, only: new Set(['postgres', 'mysql']), flatTo: null, noBuild: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    const count = (): number => {
      const n = Number(next().replaceAll('_', ''));
      if (!Number.isInteger(n) || n <= 0) throw new Error(`${arg} must be a positive integer`);
      return n;
    };
    if (arg === '--rows') o.rows = count();
    else if (arg === '--repeat') o.repeat = count();
    else if (arg === '--flat-to') o.flatTo = count();
    else if (arg === '--only') o.only = new Set(next().split(','));
    else if (arg === '--no-build') o.noBuild = true;
    else throw new Error(`unknown option ${arg}`);
  }
  return o;
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  buildDist(options.noBuild);
  process.stdout.write(`# Database connectors (${describeMachine()})\n`);
  if (options.only.has('postgres')) await postgresToPostgres(options);
  if (options.only.has('mysql')) await mysqlToJsonl(options);
}

if (import.meta.url === pathToFileURL(path.resolve(process.argv[1] ?? '')).href) runMain(main);

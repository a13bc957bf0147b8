import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { timedPart } from './database-copy-parts.js';
import type { Measured } from './database-copy-report.js';
import { runTimedShell, shellWord as sh, writeJson } from './timed-process.js';

/**
 * The real Python pair issue #18 compares with: singer-io tap-postgres → pipelinewise-target-postgres,
 * when an operator has installed them (no Python index here, so the bench does not): the directory
 * `SINEW_BENCH_REAL_PAIR` names holds `bin/tap-postgres` and `bin/target-postgres`, their console
 * scripts. The tap discovers, the bench selects `src.items` FULL_TABLE, and the pipe is timed into
 * the schema `realpair`. Only the row count is checked: that target stores numeric as double
 * precision and turns a tab inside a value into the two characters `\t`, so its table is not the
 * source's (bench/README.md).
 */
export function realPairDirectory(): string | null {
  const dir = process.env.SINEW_BENCH_REAL_PAIR;
  if (!dir) return null;
  for (const bin of ['bin/tap-postgres', 'bin/target-postgres'])
    if (!existsSync(path.join(dir, bin))) throw new Error(`SINEW_BENCH_REAL_PAIR: ${path.join(dir, bin)} is missing`);
  return dir;
}

interface Catalog {
  streams: Array<{ tap_stream_id: string; metadata: Array<{ breadcrumb: string[]; metadata: Record<string, unknown> }> }>;
}

export async function timeRealPair(
  dir: string,
  db: { url: string; client: pg.Client },
  rows: number,
  repeat: number,
  work: string,
  timeoutMs: number,
): Promise<Measured> {
  const url = new URL(db.url);
  const dbname = url.pathname.slice(1);
  // pipelinewise insists on a password; trust authentication ignores it.
  const connection = {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username),
    password: 'unused',
    dbname,
  };
  const tapConfig = path.join(work, 'real-tap.json');
  const targetConfig = path.join(work, 'real-target.json');
  const catalogFile = path.join(work, 'real-catalog.json');
  const properties = path.join(work, 'real-properties.json');
  await writeJson(tapConfig, { ...connection, filter_dbs: dbname });
  await writeJson(targetConfig, { ...connection, default_target_schema: 'realpair' });
  const tap = sh(path.join(dir, 'bin/tap-postgres'));
  const target = sh(path.join(dir, 'bin/target-postgres'));
  await runTimedShell(`${tap} --config ${sh(tapConfig)} --discover > ${sh(catalogFile)}`, { cwd: work, timeoutMs });
  const catalog = JSON.parse(await readFile(catalogFile, 'utf8')) as Catalog;
  const streams = catalog.streams.filter((s) => s.tap_stream_id === `${dbname}-src-items`);
  if (streams.length !== 1) throw new Error(`the real tap-postgres did not discover ${dbname}-src-items`);
  for (const m of streams[0]!.metadata) {
    m.metadata.selected = true;
    if (m.breadcrumb.length === 0) m.metadata['replication-method'] = 'FULL_TABLE';
  }
  await writeJson(properties, { streams });
  return timedPart(
    'real python pair',
    rows,
    repeat,
    `${tap} --config ${sh(tapConfig)} --properties ${sh(properties)} | ${target} --config ${sh(targetConfig)}`,
    {
      cwd: work,
      timeoutMs: timeoutMs * 4,
      note: 'tap-postgres | pipelinewise-target-postgres',
      before: async () => {
        await db.client.query('drop schema if exists realpair cascade');
      },
      check: async () => {
        const { rows: r } = await db.client.query<{ n: number }>('select count(*)::int as n from realpair.items');
        if (r[0]?.n !== rows) throw new Error(`the real python pair wrote ${r[0]?.n} rows, not ${rows}`);
      },
    },
  );
}

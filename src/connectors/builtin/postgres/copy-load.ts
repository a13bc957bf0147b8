import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { WriteRecord } from '../../sdk/write-record.js';
import { columnValue, SQL_TYPES } from './column-types.js';
import { ident } from './postgres-config.js';
import type { TableShape } from './postgres-table.js';

/** Rows per chunk handed to the COPY stream: big enough that a chunk costs one write, small enough to stay flat in memory. */
const ROWS_PER_CHUNK = 1000;
/** The staging table's column that orders a batch's records, so the last record of a key wins as it would one by one. */
const SEQUENCE = '__sinew_seq';
const STAGING = 'sinew_copy_load';

/** A value in COPY's text format: `\N` for null; backslash, tab, newline and carriage return escaped. */
export function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text = typeof value === 'boolean' ? (value ? 't' : 'f') : String(value);
  return /[\\\t\n\r]/.test(text)
    ? text.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'))
    : text;
}

function* copyChunks(table: TableShape, records: readonly WriteRecord[], withSequence: boolean): Generator<string> {
  const columns = [...table.columns];
  let chunk = '';
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!.record;
    let line = '';
    for (let c = 0; c < columns.length; c++) {
      const [name, kind] = columns[c]!;
      line += `${c > 0 ? '\t' : ''}${copyField(columnValue(kind, record[name]))}`;
    }
    chunk += withSequence ? `${line}\t${i}\n` : `${line}\n`;
    if ((i + 1) % ROWS_PER_CHUNK === 0) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

async function copyInto(client: pg.PoolClient, into: string, columns: string[], chunks: Iterable<string>): Promise<void> {
  const stream = client.query(copyFrom(`copy ${into} (${columns.map(ident).join(', ')}) from stdin`));
  await pipeline(Readable.from(chunks), stream);
}

/** How a batch went in: straight into the table, or through the staging table and merged by key. */
export type CopyLoadWay = 'direct' | 'merged';

const UNIQUE_VIOLATION = '23505';

/**
 * True when the table has a unique index on exactly its key columns (what ON CONFLICT needs too):
 * only then does a key already present, or twice in a batch, stop a COPY straight into the table.
 */
export async function hasUniqueKey(pool: pg.Pool, table: TableShape): Promise<boolean> {
  const { rows } = await pool.query<{ found: boolean }>(
    `select exists (
       select 1 from pg_index i
       where i.indrelid = $1::regclass and i.indisunique and i.indpred is null and i.indexprs is null
         and i.indnkeyatts = cardinality($2::text[])
         and (select array_agg(a.attname::text order by a.attname::text) from pg_attribute a
              where a.attrelid = i.indrelid and a.attnum = any(i.indkey::int2[])) = (select array_agg(k order by k) from unnest($2::text[]) k)
     ) as found`,
    [table.name, table.keys],
  );
  return rows[0]?.found === true;
}

async function inTransaction(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('begin');
    await work(client);
    await client.query('commit');
  } catch (error) {
    // A connection that cannot even roll back is not given back to the pool.
    await client.query('rollback').catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

/**
 * Writes a batch with `COPY … FROM STDIN` in one transaction: records without a key straight into
 * the table; keyed records into a staging table, then merged by key (`insert … select distinct on
 * (key) … on conflict do update`, the last record of a key winning, rows that would not change left
 * alone). With `direct` (the table has a unique index on its key, see hasUniqueKey), keyed records
 * first go straight into the table, which is what a first load is: the merge costs the database
 * about twice the COPY. A key already there or twice in the batch makes PostgreSQL refuse that COPY
 * (unique violation); the batch is then merged, as it would have been, and the caller stops trying.
 * It throws what PostgreSQL said when any row is refused; nothing of the batch is written then,
 * and the caller writes it again row by row to find the bad records.
 */
export async function copyLoad(pool: pg.Pool, table: TableShape, records: readonly WriteRecord[], direct = false): Promise<CopyLoadWay> {
  const columns = [...table.columns.keys()];
  if (table.keys.length === 0 || direct) {
    try {
      await inTransaction(pool, (client) => copyInto(client, table.name, columns, copyChunks(table, records, false)));
      return 'direct';
    } catch (error) {
      if (table.keys.length === 0 || (error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
    }
  }
  await inTransaction(pool, async (client) => {
    const definitions = [...table.columns].map(([name, kind]) => `${ident(name)} ${SQL_TYPES[kind]}`);
    await client.query(`create temp table ${STAGING} (${definitions.join(', ')}, ${SEQUENCE} bigint) on commit drop`);
    await copyInto(client, STAGING, [...columns, SEQUENCE], copyChunks(table, records, true));
    const keys = table.keys.map(ident).join(', ');
    const list = columns.map(ident).join(', ');
    const updatable = columns.filter((c) => !table.keys.includes(c));
    let sql = `insert into ${table.name} as t (${list}) select distinct on (${keys}) ${list} from ${STAGING} order by ${keys}, ${SEQUENCE} desc on conflict (${keys})`;
    if (updatable.length === 0) sql += ' do nothing';
    else {
      const set = updatable.map((c) => `${ident(c)} = excluded.${ident(c)}`).join(', ');
      const mine = updatable.map((c) => `t.${ident(c)}`).join(', ');
      const theirs = updatable.map((c) => `excluded.${ident(c)}`).join(', ');
      sql += ` do update set ${set} where row(${mine}) is distinct from row(${theirs})`;
    }
    await client.query(sql);
  });
  return 'merged';
}

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { onCleanup } from './exit-cleanup.js';

/**
 * The benchmarks' source table, 7 columns of the kinds a warehouse load moves: a bigint key, an
 * exact numeric(38,18), a bigint, two texts (one with tabs, quotes and non-ASCII now and then), a
 * timestamp with time zone and one without.
 */
const PG_COLUMNS = `id bigint primary key, amount numeric(38,18), qty bigint, name text, note text,
  created_at timestamptz, updated_at timestamp`;

/** One text per row of the table, the same for the source and every destination (types cast alike). */
export const PG_ROW_TEXT = `(id::text || '|' || coalesce(amount::numeric(38,18)::text, '') || '|' || coalesce(qty::text, '')
  || '|' || coalesce(name, '') || '|' || coalesce(note, '') || '|' || coalesce(created_at::timestamptz::text, '')
  || '|' || coalesce(updated_at::timestamp::text, ''))`;

export interface PostgresBenchDb {
  url: string;
  client: pg.Client;
  /** Creates `<schema>.items` with the source's columns (the baselines' destinations). */
  createItems(schema: string): Promise<void>;
  /** Row count and an order-independent checksum of every row's text. */
  fingerprint(schema: string): Promise<string>;
  drop(): Promise<void>;
}

const PG_ADMIN = process.env.SINEW_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh database with `src.items` holding `rows` rows, dropped at the end (or when the bench dies). */
export async function createPostgresBenchDb(rows: number): Promise<PostgresBenchDb> {
  const name = `sinew_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  await client.query("set timezone = 'UTC'");
  const drop = async (): Promise<void> => {
    await client.end().catch(() => undefined);
    const a = new pg.Client({ connectionString: PG_ADMIN });
    await a.connect();
    await a.query(`drop database if exists ${name} with (force)`);
    await a.end();
  };
  const unregister = onCleanup(drop);
  const createItems = async (schema: string): Promise<void> => {
    await client.query(
      `create schema if not exists ${schema}; drop table if exists ${schema}.items; create table ${schema}.items (${PG_COLUMNS})`,
    );
  };
  await createItems('src');
  await client.query(`insert into src.items
    select i, (i * 1234567.000000000000000001)::numeric(38,18) / 7, i * 3037000493, 'name ' || i,
      case when i % 97 = 0 then E'tab\\there "quoted" ünïcödé' when i % 13 = 0 then null else repeat('note ', 1 + i % 5) end,
      timestamptz '2024-01-01 00:00:00+00' + make_interval(secs => i * 1.5),
      timestamp '2024-01-01 00:00:00' + make_interval(secs => i)
    from generate_series(1, ${rows}) as i`);
  await client.query('analyze src.items');
  return {
    url: url.toString(),
    client,
    createItems,
    async fingerprint(schema) {
      const { rows: r } = await client.query<{ n: string; sum: string }>(
        `select count(*)::text as n, coalesce(sum(hashtext(${PG_ROW_TEXT})::bigint), 0)::text as sum from ${schema}.items`,
      );
      return `${r[0]!.n} rows, checksum ${r[0]!.sum}`;
    },
    async drop() {
      unregister();
      await drop();
    },
  };
}

export interface MysqlBenchDb {
  database: string;
  drop(): Promise<void>;
}

export const MYSQL_HOST = process.env.SINEW_BENCH_MYSQL_HOST ?? '127.0.0.1';

/** A fresh MariaDB/MySQL database with `items` (the same 7 columns) holding `rows` rows. */
export async function createMysqlBenchDb(rows: number): Promise<MysqlBenchDb> {
  const database = `sinew_bench_${randomBytes(4).toString('hex')}`;
  const connection = await mysql.createConnection({ host: MYSQL_HOST, user: 'root', multipleStatements: true });
  await connection.query(`create database ${database}; use ${database}; set time_zone = '+00:00'`);
  const drop = async (): Promise<void> => {
    await connection.query(`drop database if exists ${database}`).catch(() => undefined);
    await connection.end().catch(() => undefined);
  };
  const unregister = onCleanup(drop);
  await connection.query(`create table items (id bigint primary key, amount decimal(38,18), qty bigint, name varchar(64),
    note text, created_at timestamp(6) null, updated_at datetime(6) null)`);
  // A digits table cross-joined once per decimal place: no dependency on MariaDB's SEQUENCE engine or
  // MySQL 8's recursive CTEs. Not a temporary table: those cannot be opened twice in one query.
  await connection.query('create table digits (n int); insert into digits values (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)');
  const places = String(Math.max(1, rows - 1)).length;
  const number = Array.from({ length: places }, (_, p) => `${10 ** p} * d${p}.n`).join(' + ');
  const tables = Array.from({ length: places }, (_, p) => `digits d${p}`).join(', ');
  await connection.query(`insert into items
    select i, i * 1234567.000000000000000001 / 7, i * 3037000493, concat('name ', i),
      case when i % 97 = 0 then 'tab\\there "quoted" ünïcödé' when i % 13 = 0 then null else repeat('note ', 1 + i % 5) end,
      timestamp('2024-01-01 00:00:00') + interval i second, timestamp('2024-01-01 00:00:00') + interval i second
    from (select ${number} + 1 as i from ${tables}) s where i <= ${rows}`);
  await connection.query('drop table digits');
  return {
    database,
    async drop() {
      unregister();
      await drop();
    },
  };
}

/** Whether a command runs at all (psql, mysql, a Python module), for the baselines that need it. */
export function commandWorks(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

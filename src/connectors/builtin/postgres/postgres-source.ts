import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { type AddressPolicy, hostRefusalText, isRefusedAddress, STRICT_POLICY } from '../../../outbound/address-policy.js';
import { guardedSocket } from '../../../outbound/guarded-socket.js';
import type { SourceConnector } from '../../sdk/connector.js';
import { discoverTables, syncTables, type TableDatabase, type TableRead } from '../database-source/table-sync.js';
import { copyTextRows } from './copy-text-rows.js';
import { loadPg } from './pg-driver.js';
import { ident, type PostgresSourceConfig, readPostgresSourceConfig } from './postgres-config.js';
import { readTables } from './postgres-source-catalog.js';

const ID = 'postgres';

/** Output the value readers expect: ISO dates, UTC, shortest exact floats, ISO 8601 intervals. */
const SESSION_SQL = "set TimeZone = 'UTC'; set DateStyle = 'ISO, YMD'; set IntervalStyle = 'iso_8601'; set extra_float_digits = 3";

function connectionText(config: PostgresSourceConfig): string {
  const c = config.connection;
  if ('connectionString' in c) {
    try {
      const url = new URL(c.connectionString);
      return `${url.hostname || 'localhost'}:${url.port || 5432}/${url.pathname.slice(1)} as ${decodeURIComponent(url.username) || 'the default user'}`;
    } catch {
      return 'the connection string';
    }
  }
  return `${c.host}:${c.port}/${c.database} as ${c.user}`;
}

/** A connection failure in words: refused by the policy, bad credentials, no such database, or the server's own text. */
function connectError(config: PostgresSourceConfig, error: unknown): Error {
  const where = connectionText(config);
  if (isRefusedAddress(error)) return new Error(`${ID}: refused to connect to ${where}: ${hostRefusalText(error.host, error.kind)}`);
  const e = error as { code?: string; message?: string };
  if (e.code === '28P01' || e.code === '28000') return new Error(`${ID}: PostgreSQL refused the credentials for ${where}: ${e.message}`);
  if (e.code === '3D000') return new Error(`${ID}: ${e.message} (${where})`);
  return new Error(`${ID}: cannot connect to ${where}: ${[e.code, e.message].filter(Boolean).join(': ')}`);
}

async function connect(config: PostgresSourceConfig, policy: AddressPolicy): Promise<pg.Client> {
  // Connections pass the address policy: the socket resolves the host once and connects to the address it checked.
  const driver = await loadPg();
  const client = new driver.Client({ ...config.connection, stream: () => guardedSocket(policy) });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query(SESSION_SQL);
  } catch (error) {
    await client.end().catch(() => undefined);
    throw connectError(config, error);
  }
  return client;
}

/** The SELECT a read runs: its columns, and for an incremental stream `where key >= bookmark order by key`. */
export function selectSql(client: pg.Client, read: TableRead): string {
  const table = `${ident(read.table.schema)}.${ident(read.table.table)}`;
  // An array prints as JSON (its elements exact) rather than as PostgreSQL's `{…}` literal.
  const columns = read.columns.map((c) => (c.reading?.kind === 'array' ? `to_json(${ident(c.name)})` : ident(c.name))).join(', ');
  const key = read.replicationKey;
  if (!key) return `select ${columns} from ${table}`;
  const column = ident(key.column.name);
  const from = key.bookmark === undefined ? '' : ` where ${column} >= ${client.escapeLiteral(String(key.bookmark))}::${key.column.sqlType}`;
  return `select ${columns} from ${table}${from} order by ${column}`;
}

function database(client: pg.Client, config: PostgresSourceConfig): TableDatabase {
  return {
    connectorId: ID,
    schemas: config.schemas,
    databaseName: client.database ?? '',
    replicationKeys: config.replicationKeys,
    tables: (only) => (only ? readTables(client, [only.schema], only.table) : readTables(client, config.schemas)),
    rows: (read) => copyTextRows(client.query(copyTo(`copy (${selectSql(client, read)}) to stdout`))),
  };
}

async function withDatabase<T>(
  config: Record<string, unknown>,
  policy: AddressPolicy | undefined,
  fn: (db: TableDatabase, client: pg.Client) => Promise<T>,
): Promise<T> {
  const read = readPostgresSourceConfig(config);
  const client = await connect(read, policy ?? STRICT_POLICY);
  try {
    return await fn(database(client, read), client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * `postgres` as a source: the tables of the configured schemas, each read with one
 * `COPY (SELECT …) TO STDOUT` parsed as it streams, in one read-only repeatable-read transaction
 * (every table from the same snapshot).
 */
export const postgresSource: SourceConnector = {
  async discover(config, addressPolicy) {
    return withDatabase(config, addressPolicy, async (db) => ({ streams: await discoverTables(db) }));
  },
  async sync(ctx) {
    await withDatabase(ctx.config, ctx.addressPolicy, async (db, client) => {
      await client.query('begin isolation level repeatable read read only');
      await syncTables(db, ctx);
      await client.query('commit');
    });
  },
};

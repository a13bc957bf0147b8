import type { Connection, RowDataPacket } from 'mysql2';
import { type AddressPolicy, hostRefusalText, STRICT_POLICY } from '../../../outbound/address-policy.js';
import { guardedSocket } from '../../../outbound/guarded-socket.js';
import { hostLiteralRefusal } from '../../../outbound/host-literal.js';
import type { SourceConnector } from '../../sdk/connector.js';
import type { SourceTable } from '../database-source/table-catalog.js';
import { discoverTables, syncTables, type TableDatabase, type TableRead } from '../database-source/table-sync.js';
import { type MysqlConfig, mysqlIdent, readMysqlConfig } from './mysql-config.js';
import { mysqlColumnReading } from './mysql-source-types.js';

const ID = 'mysql';

const COLUMNS_SQL = `select table_name as t, column_name as c, data_type as d, column_type as ct, is_nullable = 'YES' as n
from information_schema.columns where table_schema = ? and (? is null or table_name = ?) order by table_name, ordinal_position`;
const KEYS_SQL = `select table_name as t, column_name as c from information_schema.key_column_usage
where table_schema = ? and constraint_name = 'PRIMARY' and (? is null or table_name = ?) order by table_name, ordinal_position`;

// MariaDB has no JSON type: a JSON column is a LONGTEXT with a CHECK (json_valid(`col`)) of its own.
// MySQL's CHECK_CONSTRAINTS has no TABLE_NAME (its JSON is a real type), so the query fails there.
const JSON_CHECKS_SQL = `select table_name as t, check_clause as k from information_schema.check_constraints
where constraint_schema = ? and level = 'Column' and (? is null or table_name = ?)`;

/** `table\0column` of every text column MariaDB keeps JSON in. */
async function mariadbJsonColumns(connection: Connection, params: unknown[]): Promise<Set<string>> {
  const columns = new Set<string>();
  let rows: RowDataPacket[];
  try {
    rows = await rowsOf(connection, JSON_CHECKS_SQL, params);
  } catch {
    return columns;
  }
  for (const row of rows) {
    const column = /^json_valid\(`((?:[^`]|``)+)`\)$/.exec(String(row.k))?.[1];
    if (column !== undefined) columns.add(`${String(row.t)}\0${column.replaceAll('``', '`')}`);
  }
  return columns;
}

async function rowsOf(connection: Connection, sql: string, params: unknown[]): Promise<RowDataPacket[]> {
  const [rows] = await connection.promise().query<RowDataPacket[]>(sql, params);
  return rows;
}

async function readTables(connection: Connection, database: string, only: string | null): Promise<SourceTable[]> {
  const params = [database, only, only];
  const tables = new Map<string, SourceTable>();
  const jsonColumns = await mariadbJsonColumns(connection, params);
  for (const row of await rowsOf(connection, COLUMNS_SQL, params)) {
    const name = String(row.t);
    let table = tables.get(name);
    if (!table) tables.set(name, (table = { schema: database, table: name, columns: [], primaryKey: [] }));
    const nullable = Number(row.n) === 1;
    table.columns.push({
      name: String(row.c),
      sqlType: String(row.ct),
      nullable,
      reading: jsonColumns.has(`${name}\0${String(row.c)}`)
        ? mysqlColumnReading('json', 'json', nullable)
        : mysqlColumnReading(String(row.d), String(row.ct), nullable),
    });
  }
  for (const row of await rowsOf(connection, KEYS_SQL, params)) tables.get(String(row.t))?.primaryKey.push(String(row.c));
  return [...tables.values()];
}

function selectSql(connection: Connection, read: TableRead): string {
  const table = `${mysqlIdent(read.table.schema)}.${mysqlIdent(read.table.table)}`;
  const columns = read.columns.map((c) => mysqlIdent(c.name)).join(', ');
  const key = read.replicationKey;
  if (!key) return `select ${columns} from ${table}`;
  const column = mysqlIdent(key.column.name);
  const from = key.bookmark === undefined ? '' : ` where ${column} >= ${connection.escape(bookmarkText(key.bookmark))}`;
  return `select ${columns} from ${table}${from} order by ${column}`;
}

/** A bookmark as MySQL compares it: an ISO timestamp (always UTC here) as `YYYY-MM-DD HH:MM:SS.ffffff`. */
function bookmarkText(value: unknown): string {
  const text = String(value);
  const iso = /^(\d{4}-\d\d-\d\d)T([\d:.]+)\+00:00$/.exec(text);
  return iso ? `${iso[1]} ${iso[2]}` : text;
}

/**
 * Every value as the text the server sent (the text protocol), so numbers stay exact; rows as
 * arrays, in batches of those the stream holds at once (read synchronously, one wait per batch).
 */
async function* streamRows(connection: Connection, sql: string): AsyncGenerator<Array<Array<string | null>>> {
  const query = connection.query({ sql, rowsAsArray: true, typeCast: (field: { string(): string | null }) => field.string() });
  const rows = query.stream({ highWaterMark: 1000 });
  let failure: Error | null = null;
  let ended = false;
  rows.on('error', (error: Error) => {
    failure = error;
  });
  rows.on('end', () => {
    ended = true;
  });
  try {
    for (;;) {
      const batch: Array<Array<string | null>> = [];
      for (let row = rows.read(); row !== null; row = rows.read()) batch.push(row as Array<string | null>);
      if (failure) throw failure;
      if (batch.length > 0) yield batch;
      else if (ended) return;
      else
        await new Promise<void>((resolve) => {
          const go = (): void => {
            rows.off('readable', go);
            rows.off('end', go);
            rows.off('error', go);
            resolve();
          };
          rows.on('readable', go);
          rows.on('end', go);
          rows.on('error', go);
        });
    }
  } finally {
    if (!ended) rows.destroy();
  }
}

function connectError(config: MysqlConfig, error: unknown): Error {
  const where = `${config.host}:${config.port}/${config.database} as ${config.user}`;
  const e = error as { code?: string; message?: string };
  if (e.code === 'ER_ACCESS_DENIED_ERROR' || e.code === 'ER_DBACCESS_DENIED_ERROR')
    return new Error(`${ID}: the server refused the credentials for ${where}: ${e.message}`);
  return new Error(`${ID}: cannot connect to ${where}: ${[e.code, e.message].filter(Boolean).join(': ')}`);
}

async function connect(config: MysqlConfig, policy: AddressPolicy): Promise<Connection> {
  const kind = hostLiteralRefusal(config.host, policy);
  if (kind) throw new Error(`${ID}: refused to connect to ${config.host}: ${hostRefusalText(config.host, kind)}`);
  // Imported here, not at the top: every Sinew process loads the built-in connectors' definitions,
  // and the driver (~90 ms) is needed only by a job that reads MySQL.
  const { default: mysql } = await import('mysql2');
  const connection = mysql.createConnection({
    user: config.user,
    password: config.password,
    database: config.database,
    timezone: 'Z',
    // The socket resolves the host once and connects to the address it checked against the policy.
    stream: () => guardedSocket(policy).connect(config.port, config.host),
  });
  connection.on('error', () => undefined);
  try {
    await connection.promise().connect();
    await connection.promise().query("set time_zone = '+00:00'");
  } catch (error) {
    connection.destroy();
    throw connectError(config, error);
  }
  return connection;
}

async function withDatabase<T>(
  config: Record<string, unknown>,
  policy: AddressPolicy | undefined,
  fn: (db: TableDatabase, connection: Connection) => Promise<T>,
): Promise<T> {
  const c = readMysqlConfig(config);
  const connection = await connect(c, policy ?? STRICT_POLICY);
  const db: TableDatabase = {
    connectorId: ID,
    schemas: [c.database],
    databaseName: c.database,
    replicationKeys: c.replication_keys as Record<string, string>,
    tables: (only) => readTables(connection, c.database, only?.table ?? null),
    rows: (read) => streamRows(connection, selectSql(connection, read)),
  };
  try {
    return await fn(db, connection);
  } finally {
    connection.destroy();
  }
}

/** `mysql` (and MariaDB) as a source: the tables of one database, each a streaming query in one consistent snapshot. */
export const mysqlSource: SourceConnector = {
  discover: (config, addressPolicy) => withDatabase(config, addressPolicy, async (db) => ({ streams: await discoverTables(db) })),
  async sync(ctx) {
    await withDatabase(ctx.config, ctx.addressPolicy, async (db, connection) => {
      await connection.promise().query('start transaction with consistent snapshot, read only');
      await syncTables(db, ctx);
      await connection.promise().query('commit');
    });
  },
};

import { Kysely, PostgresDialect, sql } from 'kysely';
import { invalid, SinewError } from '../errors/sinew-error.js';
import { type ConnectionLossLog, openPool } from '../runtime/postgres-pool.js';
import { AdvisoryKeyLocks } from './advisory-key-locks.js';
import type { Database } from './database-schema.js';
import { KyselyStore } from './kysely-store.js';
import type { Store } from './store.js';

export interface PostgresStoreOptions {
  url: string;
  /** Schema holding Sinew's tables (default `public`); created when missing. */
  schema?: string;
  poolSize?: number;
  /** Where lost connections are reported (they are survived either way: openPool). */
  logger?: ConnectionLossLog;
  /**
   * PostgreSQL ends a store connection left idle inside a transaction this long (and with it the
   * transaction's row locks): a process paused (SIGSTOP) or stalled in the middle of a transaction
   * would otherwise keep, say, a job's row locked for as long as it is paused, and the lease reaper
   * of every other worker would wait on that lock instead of ending the job. Unset: no limit.
   */
  idleInTransactionTimeoutMs?: number;
}

const DEFAULT_POOL_SIZE = 10;
/** Connections that may hold key locks at once (each waits for the remote call of one write). */
const LOCK_POOL_SIZE = 4;
// The schema name ends up in a connection option string, so only plain identifiers are allowed.
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * The scale-out store. Every pooled connection gets `search_path` set to the schema, so the
 * unqualified queries of the shared implementation land there (tests isolate themselves this way).
 * Migrations are not applied here: call `migrate()`.
 */
export async function openPostgresStore(opts: PostgresStoreOptions): Promise<Store> {
  const schema = opts.schema ?? 'public';
  if (!SCHEMA_NAME.test(schema)) {
    throw invalid('the PostgreSQL schema must be a plain identifier (letters, digits, _)', { schema });
  }
  // A lost connection fails the query on it (its caller decides: an API request answers 503, a
  // background loop retries with back-off) and the next checkout opens a new one (openPool).
  const pool = openPool({
    url: opts.url,
    schema,
    use: 'store',
    max: opts.poolSize ?? DEFAULT_POOL_SIZE,
    options: `-c search_path=${schema}${idleInTransactionOption(opts.idleInTransactionTimeoutMs)}`,
    logger: opts.logger,
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  } catch (error) {
    if (!isConcurrentSchemaCreation(error)) {
      await db.destroy();
      throw new SinewError('UNAVAILABLE', `cannot use PostgreSQL: ${(error as Error).message}`, { schema });
    }
  }
  const lockPool = openPool({ url: opts.url, schema, use: 'locks', max: LOCK_POOL_SIZE, logger: opts.logger });
  return new KyselyStore(db, { dialect: 'postgres', schema, locks: new AdvisoryKeyLocks(lockPool, schema) });
}

const idleInTransactionOption = (ms: number | undefined): string =>
  ms === undefined ? '' : ` -c idle_in_transaction_session_timeout=${Math.max(1, Math.round(ms))}`;

/**
 * `create schema if not exists` is not safe against itself: two processes starting together can
 * both decide to create it, and the loser fails with duplicate_schema or a unique violation.
 */
function isConcurrentSchemaCreation(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === '42P06' || code === '23505';
}

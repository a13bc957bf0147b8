import path from 'node:path';
import { invalid } from '../errors/sinew-error.js';
import type { ConnectionLossLog } from '../runtime/postgres-pool.js';
import { openSqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

export interface OpenStoreOptions {
  /** `postgres://` or `postgresql://` selects PostgreSQL; anything else (or nothing) the embedded SQLite. */
  databaseUrl?: string;
  /** Where the embedded SQLite file `sinew.db` lives (the directory must exist). */
  dataDir: string;
  /** PostgreSQL schema (ignored for SQLite). */
  schema?: string;
  /** Where PostgreSQL connections lost are reported. */
  logger?: ConnectionLossLog;
  /** PostgreSQL: how long a connection may sit idle inside a transaction (PostgresStoreOptions). */
  idleInTransactionTimeoutMs?: number;
}

const POSTGRES_URL = /^postgres(ql)?:\/\//i;
const ANY_URL = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Opens the store the configuration asks for (it still has to be migrated, see Store.migrate). The
 * PostgreSQL adapter (pg, Kysely's dialect) is imported only when it is the one asked for, so an
 * embedded start-up does not load it.
 */
export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  const url = opts.databaseUrl ?? '';
  if (POSTGRES_URL.test(url)) {
    const { openPostgresStore } = await import('./postgres-store.js');
    return openPostgresStore({
      url,
      ...(opts.schema === undefined ? {} : { schema: opts.schema }),
      ...(opts.idleInTransactionTimeoutMs === undefined ? {} : { idleInTransactionTimeoutMs: opts.idleInTransactionTimeoutMs }),
      logger: opts.logger,
    });
  }
  // A URL of another database would otherwise fall back to SQLite without anyone noticing.
  if (ANY_URL.test(url)) {
    throw invalid('the database URL must start with postgres:// or postgresql:// (or be unset for SQLite)', {
      scheme: url.slice(0, url.indexOf(':')),
    });
  }
  return openSqliteStore(path.join(opts.dataDir, 'sinew.db'));
}

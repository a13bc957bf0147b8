import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { SinewError } from '../errors/sinew-error.js';
import type { Store } from './store.js';
import type { Database } from './database-schema.js';
import { KyselyStore } from './kysely-store.js';

/** How long a write waits for another process's lock before failing (ms). */
const BUSY_TIMEOUT_MS = 5000;

/**
 * The embedded store: one SQLite file (or `:memory:`). WAL lets readers in other processes (the
 * CLI following a job) proceed while the server writes. Migrations are not applied here: call
 * `migrate()`.
 */
export async function openSqliteStore(path: string): Promise<Store> {
  let sqlite: BetterSqlite3.Database;
  try {
    // Opened here rather than lazily by Kysely, so a bad path fails at start-up, not at first query.
    sqlite = new BetterSqlite3(path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    sqlite.pragma('foreign_keys = ON');
  } catch (error) {
    throw new SinewError('UNAVAILABLE', `cannot open the SQLite database at ${path}: ${(error as Error).message}`, {
      path,
    });
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return new KyselyStore(db, { dialect: 'sqlite' });
}

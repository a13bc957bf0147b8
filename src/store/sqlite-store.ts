import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { SinewError } from '../errors/sinew-error.js';
import type { Database } from './database-schema.js';
import { InProcessKeyLocks } from './key-locks.js';
import { KyselyStore } from './kysely-store.js';
import { withStatementCache } from './sqlite-statement-cache.js';
import type { Store } from './store.js';

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
    // WAL + NORMAL: a commit is safe against a crash of the process (what embedded mode must
    // survive) without an fsync per commit; only a power loss can drop the last commits. FULL
    // costs an fsync per transaction, which caps job creation and event delivery at a few hundred
    // per second. Production deployments use PostgreSQL.
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    sqlite.pragma('foreign_keys = ON');
  } catch (error) {
    throw new SinewError('UNAVAILABLE', `cannot open the SQLite database at ${path}: ${(error as Error).message}`, {
      path,
    });
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  // One server process owns an embedded store: its locks can live in memory.
  return new KyselyStore(db, { dialect: 'sqlite', locks: new InProcessKeyLocks() });
}

import type { Kysely } from 'kysely';
import type { Database } from './database-schema.js';
import type { KeyLocks } from './key-locks.js';
import { KyselyStoreOps } from './kysely-store-ops.js';
import type { Store, StoreOps } from './store.js';
import { StoreMigrator } from './store-migrator.js';
import { TransactionGuard } from './transaction-guard.js';

export interface KyselyStoreOptions {
  dialect: Store['dialect'];
  /** PostgreSQL schema the store lives in (qualifies the migration bookkeeping tables). */
  schema?: string;
  /** The dialect's locks: in-process for SQLite, advisory locks for PostgreSQL. */
  locks: KeyLocks;
}

/**
 * The Store over a Kysely instance, whatever its dialect (sqlite-store.ts and postgres-store.ts
 * only build the Kysely instance). Plain calls go to the root connection(s); `transaction(fn)`
 * hands fn a StoreOps bound to one Kysely transaction.
 *
 * On SQLite, Kysely's driver serializes connection use with a mutex, so concurrent transactions
 * queue up one after another instead of interleaving or deadlocking.
 */
export class KyselyStore extends KyselyStoreOps implements Store {
  readonly dialect: Store['dialect'];
  readonly locks: KeyLocks;
  readonly #db: Kysely<Database>;
  readonly #guard: TransactionGuard;
  readonly #migrator: StoreMigrator;

  constructor(db: Kysely<Database>, options: KyselyStoreOptions) {
    const guard = new TransactionGuard();
    super(() => {
      guard.assertOutside();
      return db;
    }, options.dialect);
    this.dialect = options.dialect;
    this.locks = options.locks;
    this.#db = db;
    this.#guard = guard;
    this.#migrator = new StoreMigrator(db, options.schema);
  }

  async transaction<T>(fn: (tx: StoreOps) => Promise<T>): Promise<T> {
    this.#guard.assertOutside();
    return this.#db.transaction().execute((trx) => this.#guard.inside(() => fn(new KyselyStoreOps(() => trx, this.dialect))));
  }

  async migrate(): Promise<void> {
    await this.#migrator.migrate();
  }

  async isMigrated(): Promise<boolean> {
    return this.#migrator.isMigrated();
  }

  async close(): Promise<void> {
    await this.locks.close();
    await this.#db.destroy();
  }
}

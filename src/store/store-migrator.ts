import { Migrator, type Kysely } from 'kysely';
import { SinewError } from '../errors/sinew-error.js';
import type { Database } from './database-schema.js';
import { migrationProvider } from './migrations/index.js';

/**
 * Applies and inspects the store's migrations. On PostgreSQL the bookkeeping tables must be
 * qualified with the store's schema: Kysely's existence check scans every schema of the database,
 * so another schema's `kysely_migration` would otherwise be mistaken for ours.
 */
export class StoreMigrator {
  readonly #migrator: Migrator;

  constructor(db: Kysely<Database>, schema?: string) {
    this.#migrator = new Migrator({
      db,
      provider: migrationProvider,
      ...(schema === undefined ? {} : { migrationTableSchema: schema }),
    });
  }

  async migrate(): Promise<void> {
    const { error, results } = await this.#migrator.migrateToLatest();
    if (error !== undefined) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName;
      const what = failed === undefined ? 'store migration' : `store migration ${failed}`;
      throw new SinewError('INTERNAL', `${what} failed: ${describe(error)}`, { migration: failed ?? null });
    }
  }

  async isMigrated(): Promise<boolean> {
    const migrations = await this.#migrator.getMigrations();
    return migrations.every((m) => m.executedAt !== undefined);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

import { type Kysely, Migrator } from 'kysely';
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
    const { error, results } = await retryCatalogRace(() => this.#migrator.migrateToLatest());
    if (error !== undefined) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName;
      const what = failed === undefined ? 'store migration' : `store migration ${failed}`;
      throw new SinewError('INTERNAL', `${what} failed: ${describe(error)}`, { migration: failed ?? null });
    }
  }

  async isMigrated(): Promise<boolean> {
    const migrations = await retryCatalogRace(() => this.#migrator.getMigrations());
    return migrations.every((m) => m.executedAt !== undefined);
  }
}

/**
 * Kysely's existence check reads the catalog of every schema in the database; another schema being
 * dropped at that moment (another deployment, a test) makes PostgreSQL fail that read with
 * "schema … does not exist" (3F000), "relation … does not exist" (42P01) or — from the
 * `pg_get_serial_sequence` it calls per column, which looks names up afresh — "column … of
 * relation … does not exist" (42703). That is transient: try again.
 */
const CATALOG_RACE = new Set(['3F000', '42P01', '42703']);

async function retryCatalogRace<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let outcome: { ok: true; value: T } | { ok: false; error: unknown };
    try {
      outcome = { ok: true, value: await run() };
    } catch (e) {
      outcome = { ok: false, error: e };
    }
    // migrateToLatest reports its error in the result instead of throwing.
    const error = outcome.ok ? (outcome.value as { error?: unknown } | undefined)?.error : outcome.error;
    if (attempt >= 8 || !isCatalogRace(error)) {
      if (outcome.ok) return outcome.value;
      throw outcome.error;
    }
    await new Promise((r) => setTimeout(r, 50 * attempt));
  }
}

function isCatalogRace(e: unknown): boolean {
  return typeof e === 'object' && e !== null && CATALOG_RACE.has(String((e as { code?: unknown }).code));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './0001-initial.js';

/**
 * Every migration, by name, in order. Listed in code rather than found by globbing a folder so the
 * same list works from src/ (tsx) and from the compiled dist/.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-initial': initial,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...MIGRATIONS }),
};

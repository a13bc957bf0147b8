import { applyMigrations } from '../app/apply-migrations.js';
import { readRuntimeConfig } from '../config/runtime-config.js';

/** `sinew migrate`: applies pending migrations (the way to prepare a PostgreSQL database). */
export async function migrateCommand(): Promise<number> {
  const what = await applyMigrations(readRuntimeConfig());
  process.stderr.write(`migrations applied (${what})\n`);
  return 0;
}

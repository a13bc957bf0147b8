import fs from 'node:fs/promises';
import { readRuntimeConfig } from '../config/runtime-config.js';
import { openStore } from '../store/open-store.js';

/** `sinew migrate`: applies pending store migrations (the way to prepare a PostgreSQL database). */
export async function migrateCommand(): Promise<number> {
  const config = readRuntimeConfig();
  // As `sinew serve` does: on a fresh install the SQLite file's directory does not exist yet.
  if (!config.databaseUrl) await fs.mkdir(config.dataDir, { recursive: true });
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema: config.databaseSchema });
  try {
    await store.migrate();
    process.stderr.write(`migrations applied (${store.dialect}${store.dialect === 'postgres' ? `, schema ${config.databaseSchema ?? 'public'}` : ''})\n`);
  } finally {
    await store.close();
  }
  return 0;
}

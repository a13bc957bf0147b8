import { readRuntimeConfig } from '../config/runtime-config.js';
import { openStore } from '../store/open-store.js';

/** `sinew migrate`: applies pending store migrations (the way to prepare a PostgreSQL database). */
export async function migrateCommand(): Promise<number> {
  const config = readRuntimeConfig();
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema: config.databaseSchema });
  try {
    await store.migrate();
    process.stderr.write(`migrations applied (${store.dialect})\n`);
  } finally {
    await store.close();
  }
  return 0;
}

import fs from 'node:fs/promises';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { openStore } from '../store/open-store.js';

/**
 * `sinew migrate`: applies pending store migrations and, on PostgreSQL, installs or upgrades the job
 * queue's tables (pg-boss, in a schema derived from the store's). Servers only check both and refuse
 * to start otherwise, so creating tables never races between processes starting together. Returns
 * what was migrated, for the operator.
 */
export async function applyMigrations(config: RuntimeConfig): Promise<string> {
  // As `sinew serve` does: on a fresh install the SQLite file's directory does not exist yet.
  if (!config.databaseUrl) await fs.mkdir(config.dataDir, { recursive: true });
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema: config.databaseSchema });
  try {
    await store.migrate();
  } finally {
    await store.close();
  }
  if (store.dialect === 'sqlite') return 'sqlite';
  const { installJobQueue } = await import('../queue/pg-boss-setup.js');
  const queueSchema = await installJobQueue(config.databaseUrl!, config.databaseSchema);
  return `postgres, schema ${config.databaseSchema ?? 'public'}, job queue schema ${queueSchema}`;
}

import type { RuntimeConfig } from '../config/runtime-config.js';
import { lockDataDir } from '../store/data-dir-lock.js';
import { openStore } from '../store/open-store.js';

/**
 * `sinew migrate`: applies pending store migrations and, on PostgreSQL, installs or upgrades the job
 * queue's tables (pg-boss, in a schema derived from the store's). Servers only check both and refuse
 * to start otherwise, so creating tables never races between processes starting together. Returns
 * what was migrated, for the operator.
 */
export async function applyMigrations(config: RuntimeConfig): Promise<string> {
  if (!config.databaseUrl) {
    // SQLite: the data dir's lock, as `sinew serve` takes it (and it creates the directory on a fresh
    // install). Migrating the file under a running server, perhaps an older version, is refused; a
    // server migrates its own SQLite file at start.
    const lock = await lockDataDir(config.dataDir);
    try {
      await migrateStore(config);
    } finally {
      lock.release();
    }
    return 'sqlite';
  }
  await migrateStore(config);
  const { installJobQueue } = await import('../queue/pg-boss-setup.js');
  const queueSchema = await installJobQueue(config.databaseUrl, config.databaseSchema);
  return `postgres, schema ${config.databaseSchema ?? 'public'}, job queue schema ${queueSchema}`;
}

async function migrateStore(config: RuntimeConfig): Promise<void> {
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema: config.databaseSchema });
  try {
    await store.migrate();
  } finally {
    await store.close();
  }
}

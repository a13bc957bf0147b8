import { type RuntimeConfig, readRuntimeConfig } from '../config/runtime-config.js';
import { lockDataDir } from '../store/data-dir-lock.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';

/**
 * Runs an operator's command on the store itself (not through the API), as `sinew migrate` does:
 * on SQLite it takes the data dir's lock first — a running server holds it, so the command is
 * refused naming its pid — and the store is migrated, closed and the lock released in every case.
 */
export async function withStoreOnDataDir<T>(fn: (store: Store, config: RuntimeConfig) => Promise<T>): Promise<T> {
  const config = readRuntimeConfig();
  const lock = config.databaseUrl ? undefined : await lockDataDir(config.dataDir);
  try {
    const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema: config.databaseSchema });
    try {
      await store.migrate();
      return await fn(store, config);
    } finally {
      await store.close();
    }
  } finally {
    lock?.release();
  }
}

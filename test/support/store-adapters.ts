import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { openPostgresStore } from '../../src/store/postgres-store.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { createPostgresSchema, postgresSkipReason } from './postgres-schema.js';

/**
 * Opens a fresh, unmigrated store of one adapter, and disposes of it (temp dir or schema);
 * `reopen` opens a second store on the same data, as another process would.
 */
export type OpenFresh = () => Promise<{ store: Store; dispose(): Promise<void>; reopen(): Promise<Store> }>;

/**
 * Registers a store contract suite once per adapter: SQLite in a temp dir, PostgreSQL in a schema
 * of its own (skipped with a reason only when the server is unreachable outside CI).
 */
export async function forEachStoreAdapter(contract: (name: string, openFresh: OpenFresh, skip: string | false) => void): Promise<void> {
  const tempDirs: string[] = [];
  after(async () => {
    await Promise.all(tempDirs.map((d) => fs.rm(d, { recursive: true, force: true })));
  });
  contract(
    'sqlite',
    async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sinew-store-'));
      tempDirs.push(dir);
      const file = path.join(dir, 'sinew.db');
      const store = await openSqliteStore(file);
      return { store, dispose: () => fs.rm(dir, { recursive: true, force: true }), reopen: () => openSqliteStore(file) };
    },
    false,
  );
  contract(
    'postgres',
    async () => {
      const pg = await createPostgresSchema();
      const store = await openPostgresStore({ url: pg.url, schema: pg.schema, poolSize: 4 });
      return { store, dispose: pg.drop, reopen: () => openPostgresStore({ url: pg.url, schema: pg.schema, poolSize: 2 }) };
    },
    await postgresSkipReason(),
  );
}

/** Runs body on a fresh store of one adapter (migrated unless `migrated: false`), then closes and disposes of it. */
export async function withFreshStore(
  openFresh: OpenFresh,
  body: (s: Store) => Promise<void>,
  opts: { migrated?: boolean } = {},
): Promise<void> {
  const { store, dispose } = await openFresh();
  try {
    if (opts.migrated !== false) await store.migrate();
    await body(store);
  } finally {
    await store.close();
    await dispose();
  }
}

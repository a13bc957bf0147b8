import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { applyMigrations } from '../../src/app/apply-migrations.js';
import { readRuntimeConfig } from '../../src/config/runtime-config.js';
import { pgBossSchemaFor } from '../../src/queue/pg-boss-setup.js';

/** The local test server (trust auth); SINEW_TEST_DATABASE_URL points elsewhere if needed. */
export const TEST_DATABASE_URL = process.env.SINEW_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface PostgresTestSchema {
  url: string;
  schema: string;
  /** Drops the schema and everything in it. */
  drop(): Promise<void>;
}

/**
 * The `skip` option for PostgreSQL suites: false when the server answers; a message when it does
 * not and we are on a developer machine. In CI (`CI` set) an unreachable server throws, so a
 * broken setup fails loudly instead of passing with the suite skipped.
 */
export async function postgresSkipReason(): Promise<string | false> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return false;
  } catch (error) {
    const reason = `PostgreSQL at ${TEST_DATABASE_URL} is unreachable (${(error as Error).message})`;
    if (process.env.CI) throw new Error(`${reason}; CI must run the PostgreSQL tests`);
    return `${reason}: PostgreSQL tests skipped`;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Creates a fresh schema `sinew_test_<random>` for one test; drop() also drops its job queue's schema. */
export async function createPostgresSchema(): Promise<PostgresTestSchema> {
  const schema = `sinew_test_${randomBytes(6).toString('hex')}`;
  await withClient((c) => c.query(`create schema "${schema}"`));
  return {
    url: TEST_DATABASE_URL,
    schema,
    drop: () => withClient((c) => c.query(`drop schema if exists "${schema}", "${pgBossSchemaFor(schema)}" cascade`)).then(() => undefined),
  };
}

/**
 * With SINEW_TEST_DATABASE=postgres (the suites' PostgreSQL mode), a fresh schema with Sinew's
 * migrations applied, for a server under test to use; otherwise null (SQLite in its data dir).
 */
export async function migratedSchemaInPostgresMode(): Promise<PostgresTestSchema | null> {
  if (process.env.SINEW_TEST_DATABASE !== 'postgres') return null;
  const created = await createPostgresSchema();
  // As `sinew migrate` does: the store's tables and the job queue's.
  await applyMigrations(readRuntimeConfig({ SINEW_DATABASE_URL: created.url, SINEW_DATABASE_SCHEMA: created.schema }));
  return created;
}

async function withClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

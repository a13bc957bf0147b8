import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { isSinewError } from '../../src/errors/sinew-error.js';
import { openStore } from '../../src/store/open-store.js';
import { openPostgresStore } from '../../src/store/postgres-store.js';
import { createPostgresSchema, postgresSkipReason, TEST_DATABASE_URL } from '../support/postgres-schema.js';

const sinewCode = (code: string) => (e: unknown) => isSinewError(e) && e.code === code;

describe('openStore: SQLite', () => {
  const dirs: string[] = [];
  after(() => Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true }))));
  const tempDir = async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sinew-open-store-'));
    dirs.push(dir);
    return dir;
  };

  test('without a database URL it opens <dataDir>/sinew.db in WAL mode', async () => {
    const dir = await tempDir();
    const store = await openStore({ dataDir: dir });
    try {
      assert.equal(store.dialect, 'sqlite');
      await store.migrate();
      assert.equal(await store.isMigrated(), true);
    } finally {
      await store.close();
    }
    // Read back from the file itself with a separate connection: the journal mode is persistent.
    const raw = new BetterSqlite3(path.join(dir, 'sinew.db'), { readonly: true });
    try {
      assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
      const tables = raw.prepare("select name from sqlite_master where type = 'table' and name = 'jobs'").all();
      assert.equal(tables.length, 1);
    } finally {
      raw.close();
    }
  });

  test('a migrated file stays migrated when reopened', async () => {
    const dir = await tempDir();
    const first = await openStore({ dataDir: dir });
    await first.migrate();
    await first.environments.put({ env_id: 'e', name: 'E', settings: {}, token_secret_encrypted: 'x', created_at: 'now' });
    await first.close();
    const second = await openStore({ dataDir: dir, databaseUrl: '' });
    try {
      assert.equal(await second.isMigrated(), true);
      assert.equal((await second.environments.get('e'))?.name, 'E');
    } finally {
      await second.close();
    }
  });

  test('an unopenable SQLite path is UNAVAILABLE; a non-Postgres URL is rejected', async () => {
    const dir = await tempDir();
    await assert.rejects(openStore({ dataDir: path.join(dir, 'missing', 'dir') }), sinewCode('UNAVAILABLE'));
    await assert.rejects(openStore({ dataDir: dir, databaseUrl: 'mysql://root@localhost/db' }), sinewCode('VALIDATION_FAILED'));
  });
});

describe('openStore: PostgreSQL', { skip: await postgresSkipReason() }, () => {
  test('a postgres URL opens PostgreSQL and creates the missing schema', async () => {
    const schema = `sinew_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      const url = TEST_DATABASE_URL.replace(/^postgres:/, 'postgresql:');
      const store = await openStore({ databaseUrl: url, dataDir: '/nonexistent', schema });
      try {
        assert.equal(store.dialect, 'postgres');
        await store.migrate();
        const { rows } = await admin.query('select table_name from information_schema.tables where table_schema = $1 order by table_name', [
          schema,
        ]);
        const names = rows.map((r: { table_name: string }) => r.table_name);
        for (const t of ['api_keys', 'environments', 'events', 'jobs', 'kysely_migration', 'links', 'tenants']) {
          assert.ok(names.includes(t), `${t} in ${names.join(',')}`);
        }
      } finally {
        await store.close();
      }
    } finally {
      await admin.query(`drop schema if exists "${schema}" cascade`);
      await admin.end();
    }
  });

  test('migrations succeed while another schema creates and drops tables the whole time', async () => {
    // Kysely's existence check reads every schema's catalog and looks each column up again by name;
    // a table dropped in between fails that read (42P01, or 42703 for a column). Tests and
    // deployments sharing a database do exactly this to each other.
    const side = `sinew_churn_${randomBytes(6).toString('hex')}`;
    const churn = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await churn.connect();
    await churn.query(`create schema "${side}"`);
    let churning = true;
    // One table name, recreated with other columns each time: a read that saw one version and looks
    // a column up in the next fails with 42703, as CI once saw for `event_deliveries.claimed_until`.
    const columns = (prefix: string) => Array.from({ length: 20 }, (_, i) => `${prefix}${i} bigint`).join(', ');
    const churned = (async () => {
      for (let round = 0; churning; round++) {
        await churn.query(`create table "${side}".t (id${round % 2} bigserial primary key, ${columns(`c${round % 2}_`)})`);
        await churn.query(`drop table "${side}".t`);
      }
    })();
    try {
      for (const until = Date.now() + 6000; Date.now() < until; ) {
        const schema = await createPostgresSchema();
        const store = await openPostgresStore({ url: schema.url, schema: schema.schema, poolSize: 2 });
        try {
          await store.migrate();
          assert.equal(await store.isMigrated(), true);
        } finally {
          await store.close();
          await schema.drop();
        }
      }
    } finally {
      churning = false;
      await churned;
      await churn.query(`drop schema if exists "${side}" cascade`);
      await churn.end();
    }
  });

  test('a bad schema name is VALIDATION_FAILED; an unreachable server is UNAVAILABLE', async () => {
    await assert.rejects(openPostgresStore({ url: TEST_DATABASE_URL, schema: 'x"; drop' }), sinewCode('VALIDATION_FAILED'));
    await assert.rejects(openPostgresStore({ url: 'postgres://postgres@127.0.0.1:1/test' }), sinewCode('UNAVAILABLE'));
  });
});

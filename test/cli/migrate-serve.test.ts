import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { pgBossSchemaFor } from '../../src/queue/pg-boss-setup.js';
import { postgresSkipReason, TEST_DATABASE_URL } from '../support/postgres-schema.js';
import { finished, run, sinew, start, tempDir } from './cli-process.js';

const CORE_TABLES = ['api_keys', 'environments', 'events', 'flows', 'jobs', 'links', 'tenants'];
const postgresSkip = await postgresSkipReason();

describe('sinew migrate', { concurrency: true }, () => {
  test('with SINEW_DATA_DIR creates the SQLite file (and its directory) with every table; a second run is a no-op', async () => {
    const { dir, remove } = await tempDir('migrate');
    try {
      const dataDir = path.join(dir, 'not-yet-there');
      for (let i = 0; i < 2; i++) {
        const r = await run(sinew('migrate'), { env: { SINEW_DATA_DIR: dataDir } });
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, /migrations applied \(sqlite\)/);
      }
      const db = new Database(path.join(dataDir, 'sinew.db'), { readonly: true });
      try {
        const tables = (db.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[]).map((t) => t.name);
        for (const t of CORE_TABLES) assert.ok(tables.includes(t), `no table ${t} in ${tables.join()}`);
      } finally {
        db.close();
      }
    } finally {
      await remove();
    }
  });

  test('with SINEW_DATABASE_URL and SINEW_DATABASE_SCHEMA migrates a fresh PostgreSQL schema and installs the job queue beside it; a second run is a no-op', {
    skip: postgresSkip,
  }, async () => {
    const schema = `sinew_test_${randomBytes(6).toString('hex')}`;
    const queueSchema = pgBossSchemaFor(schema);
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      for (let i = 0; i < 2; i++) {
        const r = await run(sinew('migrate'), { env: { SINEW_DATABASE_URL: TEST_DATABASE_URL, SINEW_DATABASE_SCHEMA: schema } });
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, new RegExp(`migrations applied \\(postgres, schema ${schema}, job queue schema ${queueSchema}\\)`));
      }
      const tablesOf = async (s: string) =>
        (
          await admin.query<{ table_name: string }>('select table_name from information_schema.tables where table_schema = $1', [s])
        ).rows.map((row) => row.table_name);
      const tables = await tablesOf(schema);
      for (const t of CORE_TABLES) assert.ok(tables.includes(t), `no table ${t} in ${tables.join()}`);
      const queueTables = await tablesOf(queueSchema);
      for (const t of ['job', 'queue', 'version']) assert.ok(queueTables.includes(t), `no pg-boss table ${t} in ${queueTables.join()}`);
      const queues = await admin.query<{ name: string; policy: string }>(`select name, policy from "${queueSchema}".queue`);
      assert.deepEqual(queues.rows, [{ name: 'sinew-jobs', policy: 'short' }]);
    } finally {
      await admin.query(`drop schema if exists "${schema}", "${queueSchema}" cascade`);
      await admin.end();
    }
  });

  test('a database URL of another kind, or an unreachable server, exits 1 with the reason', async () => {
    const other = await run(sinew('migrate'), { env: { SINEW_DATABASE_URL: 'mysql://root@127.0.0.1/sinew' } });
    assert.equal(other.code, 1, other.stderr);
    assert.match(other.stderr, /VALIDATION_FAILED: the database URL must start with postgres:\/\//);
    const down = await run(sinew('migrate'), { env: { SINEW_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' } });
    assert.equal(down.code, 1, down.stderr);
    assert.match(down.stderr, /UNAVAILABLE: cannot use PostgreSQL: connect ECONNREFUSED/);
    assert.doesNotMatch(down.stderr, /\n\s+at /, 'no stack trace');
  });
});

describe('sinew serve', () => {
  test('listens, answers /health and the key it printed, and stops with exit 0 on SIGTERM', async () => {
    const { dir, remove } = await tempDir('serve');
    const child = start(sinew('serve'), { env: { SINEW_DATA_DIR: dir, PORT: '0', SINEW_LOG_LEVEL: 'warn' } });
    child.stdin!.end();
    const result = finished(child);
    try {
      let stderr = '';
      const welcome = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no welcome within 30 s:\n${stderr}`)), 30_000);
        child.stderr!.on('data', (chunk: string) => {
          stderr += chunk;
          // The welcome is written at once; wait for its last line.
          if (/Output: .*\n/.test(stderr)) {
            clearTimeout(timer);
            resolve(stderr);
          }
        });
        child.once('exit', () => reject(new Error(`serve exited early:\n${stderr}`)));
      });
      const [, url, envId] = /listening on (http:\/\/\S+) \(environment (\S+)\)/.exec(welcome) ?? [];
      assert.ok(url && envId, welcome);
      const key = /Environment API key \(shown once, keep it\): (\S+)/.exec(welcome)?.[1];
      assert.ok(key, welcome);

      const health = await fetch(`${url}/health`);
      assert.equal(health.status, 200);
      const flows = await fetch(`${url}/${envId}/flows`, { headers: { 'x-api-key': key } });
      assert.equal(flows.status, 200);
      assert.ok(
        ((await flows.json()) as { flow_id: string }[]).some((f) => f.flow_id === 'example'),
        'the example flow is installed',
      );
      assert.equal((await fetch(`${url}/${envId}/flows`, { headers: { 'x-api-key': 'sk_wrong' } })).status, 401);

      child.kill('SIGTERM');
      const exit = await result;
      assert.equal(exit.code, 0, exit.stderr);
      await assert.rejects(fetch(`${url}/health`), 'nothing listens any more');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await result.catch(() => {});
      await remove();
    }
  });
});

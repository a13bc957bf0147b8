import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { connectionName } from '../../src/runtime/postgres-pool.js';
import { openPostgresStore } from '../../src/store/postgres-store.js';
import { createPostgresSchema, postgresSkipReason, TEST_DATABASE_URL } from '../support/postgres-schema.js';
import { until } from '../support/until.js';

const skip = await postgresSkipReason();

/**
 * Key locks are PostgreSQL session advisory locks: a terminated session takes them with it. The
 * holder must learn of it (and survive it), and the next holder must get a working session.
 */
describe('key locks whose database session is terminated', { skip }, () => {
  test('the holder is told through its signal, the process survives, the lock is free at once, the next holder gets a new session', async () => {
    const schema = await createPostgresSchema();
    const store = await openPostgresStore({ url: schema.url, schema: schema.schema });
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    const lockSessions = async (): Promise<number[]> =>
      (
        await admin.query<{ pid: number }>('select pid from pg_stat_activity where application_name = $1', [
          connectionName(schema.schema, 'locks'),
        ])
      ).rows.map((r) => r.pid);
    // The lock's key as AdvisoryKeyLocks hashes it, to try it from another session.
    const tryLock = async (): Promise<boolean> =>
      (await admin.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtextextended($1, 0)) as ok', [`${schema.schema}\u001fk`]))
        .rows[0]!.ok;
    try {
      let heldBy: number[] = [];
      const result = await store.locks.withKeys(['k'], async (lost) => {
        assert.equal(lost.aborted, false);
        heldBy = await lockSessions();
        assert.equal(heldBy.length, 1, 'one session holds the lock');
        assert.equal(await tryLock(), false, 'held: another session cannot take it');
        await admin.query('select pg_terminate_backend($1)', [heldBy[0]]);
        await until('the holder learns its locks are gone', 10_000, async () => lost.aborted);
        // Gone with the session: another session takes it at once.
        assert.equal(await tryLock(), true);
        await admin.query('select pg_advisory_unlock_all()');
        return 'finished';
      });
      assert.equal(result, 'finished', 'the holder ends normally; what it does next is its own decision');
      await store.locks.withKeys(['k'], async (lost) => {
        assert.equal(lost.aborted, false);
        const now = await lockSessions();
        assert.equal(now.length, 1);
        assert.notEqual(now[0], heldBy[0], 'a new session, not the dead one back from the pool');
      });
    } finally {
      await admin.end();
      await store.close();
      await schema.drop();
    }
  });
});

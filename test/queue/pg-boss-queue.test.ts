import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import pino from 'pino';
import type { QueuedJob } from '../../src/queue/job-queue.js';
import { PgBossQueue } from '../../src/queue/pg-boss-queue.js';
import { pgBossSchemaFor } from '../../src/queue/pg-boss-setup.js';
import { createPostgresSchema, postgresSkipReason, TEST_DATABASE_URL } from '../support/postgres-schema.js';
import { pgBossTestQueues } from '../support/queue-adapters.js';

const skip = await postgresSkipReason();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await sleep(20);
  }
}

describe('pg-boss queue: several consumers, wake-ups, installation', { skip }, () => {
  test('consumers in different processes share one queue: each item goes to exactly one of them', async () => {
    const queues = await pgBossTestQueues();
    try {
      const producer = await queues.open();
      const seen = new Map<string, string[]>();
      const consumer = (name: string) => async (i: QueuedJob) => {
        seen.set(i.job_id, [...(seen.get(i.job_id) ?? []), name]);
        await sleep(30); // a handler that takes a while, so both consumers get a share
      };
      const a = await queues.open();
      const b = await queues.open();
      await a.start(consumer('a'), { concurrency: 2 });
      await b.start(consumer('b'), { concurrency: 2 });
      await producer.enqueueMany(Array.from({ length: 40 }, (_, n) => ({ env_id: 'e', job_id: `j${n}` })));
      await eventually('40 delivered', () => seen.size === 40);
      await a.stop();
      await b.stop();
      assert.deepEqual(
        [...seen.values()].filter((by) => by.length !== 1),
        [],
        'an item was delivered twice',
      );
      const byA = [...seen.values()].filter((by) => by[0] === 'a').length;
      assert.ok(byA > 0 && byA < 40, `both consumers took part (a took ${byA} of 40)`);
    } finally {
      await queues.dispose();
    }
  });

  test('a job queued by another process wakes an idle consumer at once, not at its next poll', async () => {
    const queues = await pgBossTestQueues();
    try {
      const seen: string[] = [];
      const idle = await queues.open({ pollMs: 600_000 });
      await idle.start(async (i) => void seen.push(i.job_id), { concurrency: 1 });
      await sleep(200); // the subject: the consumer has gone idle (its first fetch found nothing) before the job comes
      const producer = await queues.open();
      await producer.enqueue({ env_id: 'e', job_id: 'wake-up' });
      // With a 10-minute poll only the notification can deliver it within the 10 s of `eventually`.
      await eventually('delivered', () => seen.length === 1);
      assert.deepEqual(seen, ['wake-up']);
    } finally {
      await queues.dispose();
    }
  });

  test('a server refuses a database whose queue `sinew migrate` did not install, and says so', async () => {
    const schema = await createPostgresSchema();
    try {
      await assert.rejects(
        PgBossQueue.open({ url: schema.url, schema: schema.schema, logger: pino({ level: 'silent' }) }),
        (e: Error & { code?: string }) => {
          assert.equal(e.code, 'UNAVAILABLE');
          assert.match(
            e.message,
            /job queue \(pg-boss, schema sinew_test_\w+_pgboss\) is not installed or not current: run `sinew migrate` first/,
          );
          return true;
        },
      );
    } finally {
      await schema.drop();
    }
  });

  test('depth() rejects once the queue cannot be read (what /ready reports)', async () => {
    const queues = await pgBossTestQueues();
    try {
      const q = await queues.open();
      assert.equal(await q.depth(), 0);
      const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await admin.connect();
      await admin.query(`drop schema "${pgBossSchemaFor(queues.schema)}" cascade`);
      await admin.end();
      await assert.rejects(q.depth(), /does not exist/);
    } finally {
      await queues.dispose();
    }
  });
});

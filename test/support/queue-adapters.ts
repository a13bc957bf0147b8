import pino from 'pino';
import { InProcessQueue } from '../../src/queue/in-process-queue.js';
import type { JobQueue } from '../../src/queue/job-queue.js';
import { PgBossQueue } from '../../src/queue/pg-boss-queue.js';
import { installJobQueue } from '../../src/queue/pg-boss-setup.js';
import { createPostgresSchema, postgresSkipReason } from './postgres-schema.js';

/** Opens a fresh, empty queue of one adapter, and disposes of it (its schema, for pg-boss). */
export type OpenQueue = () => Promise<{ queue: JobQueue; dispose(): Promise<void> }>;

export interface PgBossTestQueues {
  schema: string;
  /** Another consumer of the same queue, as another process would open it; closed by dispose(). */
  open(opts?: { pollMs?: number }): Promise<PgBossQueue>;
  dispose(): Promise<void>;
}

/** A fresh pg-boss queue in a PostgreSQL schema of its own, installed as `sinew migrate` does. */
export async function pgBossTestQueues(): Promise<PgBossTestQueues> {
  const pg = await createPostgresSchema();
  await installJobQueue(pg.url, pg.schema);
  const logger = pino({ level: 'silent' });
  const opened: PgBossQueue[] = [];
  return {
    schema: pg.schema,
    async open(opts = {}) {
      const q = await PgBossQueue.open({ url: pg.url, schema: pg.schema, logger, ...opts });
      opened.push(q);
      return q;
    },
    async dispose() {
      for (const q of opened) await q.close();
      await pg.drop();
    },
  };
}

/**
 * Registers a queue contract suite once per adapter: in-process, and pg-boss on PostgreSQL
 * (skipped with a reason only when the server is unreachable outside CI).
 */
export async function forEachQueueAdapter(contract: (name: string, open: OpenQueue, skip: string | false) => void): Promise<void> {
  contract(
    'in-process',
    async () => {
      const queue = new InProcessQueue();
      return { queue, dispose: () => queue.close() };
    },
    false,
  );
  contract(
    'pg-boss',
    async () => {
      const queues = await pgBossTestQueues();
      return { queue: await queues.open(), dispose: queues.dispose };
    },
    await postgresSkipReason(),
  );
}

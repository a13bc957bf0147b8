import type pg from 'pg';
import PgBoss from 'pg-boss';
import { SinewError } from '../errors/sinew-error.js';
import { type ConnectionLossLog, openPool } from '../runtime/postgres-pool.js';

/** The one pg-boss queue Sinew uses: it carries job ids. */
export const JOB_QUEUE_NAME = 'sinew-jobs';

const POOL_SIZE = 4;

/**
 * pg-boss keeps its tables in a schema of its own, derived from the store's, so one database can
 * hold several Sinew deployments (and every test its own) without their queues meeting.
 */
export function pgBossSchemaFor(storeSchema = 'public'): string {
  return `${storeSchema}_pgboss`;
}

/** The NOTIFY channel that wakes idle workers when a job is queued (derived like the schema). */
export function queueChannelFor(storeSchema = 'public'): string {
  return `${pgBossSchemaFor(storeSchema)}_jobs`;
}

/**
 * A small pool for pg-boss, ours rather than pg-boss's own, so closing it is in our hands. A lost
 * connection fails the query on it (pg-boss reports that as its 'error' event, or to our caller)
 * and the next query opens a new one (openPool).
 */
export function openQueuePool(url: string, storeSchema: string | undefined, logger?: ConnectionLossLog): pg.Pool {
  return openPool({ url, schema: storeSchema, use: 'queue', max: POOL_SIZE, logger });
}

export function pgBossOn(pool: pg.Pool, storeSchema: string | undefined, opts: { install: boolean }): PgBoss {
  return new PgBoss({
    db: { executeSql: (text: string, values: unknown[]) => pool.query(text, values) },
    schema: pgBossSchemaFor(storeSchema),
    // Tables are created by `sinew migrate` only; a server checks they are there and current.
    migrate: opts.install,
    // Maintenance (expiring stale fetches, archiving): pg-boss lets one instance do it per interval.
    supervise: !opts.install,
    // Sinew's own scheduler fires schedules (compare-and-set per tick); pg-boss's cron is not used.
    schedule: false,
    // A queue row is only a hand-over (see PgBossQueue): completed rows are of no use after an hour.
    archiveCompletedAfterSeconds: 3600,
    deleteAfterHours: 24,
  });
}

/**
 * `sinew migrate`, queue half: creates or migrates pg-boss's tables and Sinew's queue. Safe when run
 * by several processes at once (pg-boss takes an advisory lock; creating an existing queue is a
 * no-op). Returns the pg-boss schema.
 */
export async function installJobQueue(url: string, storeSchema: string | undefined): Promise<string> {
  const pool = openQueuePool(url, storeSchema);
  const boss = pgBossOn(pool, storeSchema, { install: true });
  boss.on('error', () => {});
  try {
    await boss.start();
    // `short`: at most one waiting row per singleton key (the job id), so enqueueing a job that is
    // already waiting is a no-op. No pg-boss retries: the store decides what runs again.
    await boss.createQueue(JOB_QUEUE_NAME, { name: JOB_QUEUE_NAME, policy: 'short', retryLimit: 0, expireInSeconds: 300 });
  } catch (e) {
    throw new SinewError('UNAVAILABLE', `cannot install the job queue (pg-boss): ${(e as Error).message}`, {
      schema: pgBossSchemaFor(storeSchema),
    });
  } finally {
    await boss.stop({ graceful: false }).catch(() => {});
    await pool.end();
  }
  return pgBossSchemaFor(storeSchema);
}

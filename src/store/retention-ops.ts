import type { Kysely } from 'kysely';
import { TERMINAL_STATUSES } from '../model/job.js';
import type { DeliveryDatabase } from './delivery-schema.js';
import type { Connection } from './store-connection.js';

const TERMINAL = [...TERMINAL_STATUSES];
/** Events whose delivery is over: every destination answered, gave up, or there was none. */
const SETTLED_EVENTS = ['delivered', 'failed', 'no_destination'];

/** A job past its environment's retention: what pruning needs to delete its files, then its row. */
export interface ExpiredJob {
  job_id: string;
  s3_root: string;
}

/** What one batch of event pruning deleted. */
export interface PrunedEvents {
  events: number;
  deliveries: number;
  attempts: number;
}

/**
 * Deleting what an environment's retention setting no longer keeps (src/retention), a bounded
 * batch at a time so no call holds locks for long. Only finished things go: a job in a terminal
 * status, an event whose delivery is settled; both checked again in the delete itself, so a job
 * or an event that changed since it was listed stays.
 */
export interface RetentionOps {
  /** Up to `limit` terminal jobs created before `createdBeforeMs`, oldest first (the `jobs_by_created` index). */
  listExpiredJobs(envId: string, createdBeforeMs: number, limit: number): Promise<ExpiredJob[]>;
  /** Deletes these jobs' rows where they are still terminal; returns how many went. */
  deleteJobs(envId: string, jobIds: string[]): Promise<number>;
  /** Deletes up to `limit` settled events created before `createdBefore` (ISO time) with their deliveries and attempts. */
  pruneEvents(envId: string, createdBefore: string, limit: number): Promise<PrunedEvents>;
}

export class KyselyRetentionOps implements RetentionOps {
  readonly #db: Connection;

  constructor(connection: Connection) {
    this.#db = connection;
  }

  async listExpiredJobs(envId: string, createdBeforeMs: number, limit: number): Promise<ExpiredJob[]> {
    if (limit <= 0) return [];
    return this.#db()
      .selectFrom('jobs')
      .select(['job_id', 's3_root'])
      .where('env_id', '=', envId)
      .where('created_at', '<', createdBeforeMs)
      .where('status', 'in', TERMINAL)
      .orderBy('created_at')
      .limit(limit)
      .execute();
  }

  async deleteJobs(envId: string, jobIds: string[]): Promise<number> {
    if (jobIds.length === 0) return 0;
    const result = await this.#db()
      .deleteFrom('jobs')
      .where('env_id', '=', envId)
      .where('job_id', 'in', jobIds)
      .where('status', 'in', TERMINAL)
      .executeTakeFirstOrThrow();
    return Number(result.numDeletedRows);
  }

  async pruneEvents(envId: string, createdBefore: string, limit: number): Promise<PrunedEvents> {
    if (limit <= 0) return { events: 0, deliveries: 0, attempts: 0 };
    // The delivery tables are typed beside the shared schema (delivery-schema.ts).
    const db = this.#db() as unknown as Kysely<DeliveryDatabase>;
    // The events go first, with their status checked in the delete: one redelivered meanwhile
    // (pending again) stays, with its deliveries. The `events_by_created` index finds the batch.
    const gone = await db
      .deleteFrom('events')
      .where('event_id', 'in', (eb) =>
        eb
          .selectFrom('events as e')
          .select('e.event_id')
          .where('e.env_id', '=', envId)
          .where('e.created_at', '<', createdBefore)
          .where('e.status', 'in', SETTLED_EVENTS)
          .orderBy('e.created_at')
          .limit(limit),
      )
      .where('status', 'in', SETTLED_EVENTS)
      .returning('event_id')
      .execute();
    const ids = gone.map((r) => r.event_id);
    if (ids.length === 0) return { events: 0, deliveries: 0, attempts: 0 };
    const attempts = await db
      .deleteFrom('event_delivery_attempts')
      .where('delivery_id', 'in', (eb) =>
        // delivery_id reads as a string from PostgreSQL (bigint identity); the comparison is in SQL.
        eb
          .selectFrom('event_deliveries')
          .select((d) => d.cast<number>('delivery_id', 'bigint').as('delivery_id'))
          .where('event_id', 'in', ids),
      )
      .executeTakeFirstOrThrow();
    const deliveries = await db.deleteFrom('event_deliveries').where('event_id', 'in', ids).executeTakeFirstOrThrow();
    return { events: ids.length, deliveries: Number(deliveries.numDeletedRows), attempts: Number(attempts.numDeletedRows) };
  }
}

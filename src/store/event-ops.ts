import { SinewError } from '../errors/sinew-error.js';
import type { OutboxEvent } from '../model/event.js';
import { fromJsonColumn, toJsonColumn } from './json-column.js';
import type { Connection } from './store-connection.js';
import { isUniqueViolation } from './unique-violation.js';

/**
 * The event outbox: written in the same transaction as the change it reports, delivered later
 * (fan-out, leases and attempts are `deliveries`, delivery-ops.ts).
 */
export interface EventOps {
  /** Writes one event, due for delivery at once; CONFLICT when its id is taken. */
  insert(event: OutboxEvent): Promise<void>;
  /** An environment's events, oldest first (insertion order, the order delivery keeps). */
  list(envId: string, limit: number): Promise<OutboxEvent[]>;
}

export class KyselyEventOps implements EventOps {
  readonly #db: Connection;

  constructor(connection: Connection) {
    this.#db = connection;
  }

  async insert(event: OutboxEvent): Promise<void> {
    try {
      await this.#db()
        .insertInto('events')
        .values({
          event_id: event.event_id,
          env_id: event.env_id,
          kind: event.kind,
          ordering_key: event.ordering_key,
          payload: toJsonColumn(event.payload),
          created_at: event.created_at,
          // Due at once: the dispatcher picks pending rows whose next attempt has come.
          next_attempt_at: Date.now(),
        })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new SinewError('CONFLICT', `event ${event.event_id} already exists`, { event_id: event.event_id });
      }
      throw error;
    }
  }

  async list(envId: string, limit: number): Promise<OutboxEvent[]> {
    if (limit <= 0) return [];
    const rows = await this.#db()
      .selectFrom('events')
      .select(['event_id', 'env_id', 'kind', 'ordering_key', 'payload', 'created_at'])
      .where('env_id', '=', envId)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      event_id: r.event_id,
      env_id: r.env_id,
      kind: r.kind as OutboxEvent['kind'],
      ordering_key: r.ordering_key,
      payload: fromJsonColumn<OutboxEvent['payload']>(r.payload),
      created_at: r.created_at,
    }));
  }
}

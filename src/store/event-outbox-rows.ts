import type { Kysely } from 'kysely';
import type { OutboxEvent } from '../model/event.js';
import { SinewError } from '../errors/sinew-error.js';
import type { Database } from './database-schema.js';
import { fromJsonColumn, toJsonColumn } from './json-column.js';
import { isUniqueViolation } from './unique-violation.js';

/** Writes one event into the outbox, due for delivery at once. */
export async function insertEventRow(db: Kysely<Database>, event: OutboxEvent): Promise<void> {
  try {
    await db
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

/** An environment's events, oldest first (insertion order, the order delivery keeps). */
export async function listEventRows(db: Kysely<Database>, envId: string, limit: number): Promise<OutboxEvent[]> {
  if (limit <= 0) return [];
  const rows = await db
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

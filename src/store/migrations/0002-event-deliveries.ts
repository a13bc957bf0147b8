import type { Kysely } from 'kysely';
import { addIdentityColumn } from './identity-column.js';

/**
 * Event delivery: one row per (outbox event, destination) with its retry state and lease, and one
 * row per attempt. The outbox `events.status` column now says how far delivery got
 * (`pending` = not yet fanned out, `delivering`, `delivered`, `failed`, `no_destination`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await addIdentityColumn(db, db.schema.createTable('event_deliveries'), 'delivery_id')
    .addColumn('event_id', 'text', (c) => c.notNull())
    // The event's outbox seq: delivery order per (destination, ordering_key).
    .addColumn('event_seq', 'bigint', (c) => c.notNull())
    .addColumn('env_id', 'text', (c) => c.notNull())
    .addColumn('destination', 'text', (c) => c.notNull())
    .addColumn('ordering_key', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint')
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_until', 'bigint')
    .addColumn('delivered_at', 'bigint')
    .addColumn('last_error', 'text')
    .addUniqueConstraint('event_deliveries_event_destination', ['event_id', 'destination'])
    .execute();
  await db.schema.createIndex('event_deliveries_due').on('event_deliveries').columns(['status', 'next_attempt_at']).execute();
  await db.schema
    .createIndex('event_deliveries_order')
    .on('event_deliveries')
    .columns(['env_id', 'destination', 'ordering_key', 'status', 'event_seq'])
    .execute();

  await addIdentityColumn(db, db.schema.createTable('event_delivery_attempts'), 'attempt_id')
    .addColumn('delivery_id', 'bigint', (c) => c.notNull())
    .addColumn('attempted_at', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addColumn('response_excerpt', 'text')
    .addColumn('error', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('event_delivery_attempts_by_delivery')
    .on('event_delivery_attempts')
    .columns(['delivery_id', 'attempt_id'])
    .execute();
  await db.schema.createIndex('events_by_env_kind').on('events').columns(['env_id', 'kind', 'seq']).execute();
  // Fan-out takes the oldest pending events: a range of this index, not a sort of every pending row.
  await db.schema.createIndex('events_pending_by_seq').on('events').columns(['status', 'seq']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('events_pending_by_seq').execute();
  await db.schema.dropIndex('events_by_env_kind').execute();
  await db.schema.dropTable('event_delivery_attempts').execute();
  await db.schema.dropTable('event_deliveries').execute();
}

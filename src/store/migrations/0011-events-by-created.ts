import type { Kysely } from 'kysely';

/**
 * Retention (src/retention) deletes an environment's settled events older than a cut-off, a batch
 * at a time. Without an index on the creation time each batch would walk the environment's events
 * from the oldest to the newest whenever fewer than a batch are left to delete — the whole outbox,
 * every pass; with it, a batch is a range of this index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('events_by_created').on('events').columns(['env_id', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('events_by_created').execute();
}

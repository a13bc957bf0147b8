import type { Kysely } from 'kysely';

/**
 * Link schedules (issue 4). One row per link; the scheduler's bookkeeping lives in columns so that
 * firing (claim, outcome) and the owner's changes (doc, state) never overwrite each other.
 * `next_fire_at` is null unless the schedule is ENABLED, so the one due-index serves the scheduler's
 * only hot query: `next_fire_at <= now order by next_fire_at`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('schedules')
    .addColumn('env_id', 'text', (c) => c.notNull())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('flow_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('connector_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('next_fire_at', 'bigint')
    .addColumn('claimed_tick', 'bigint')
    .addColumn('claimed_at', 'bigint')
    .addColumn('last_fired_at', 'bigint')
    .addColumn('last_outcome', 'text')
    .addColumn('doc', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('schedules_pk', ['env_id', 'tenant', 'flow_id', 'role', 'connector_id'])
    .execute();
  await db.schema.createIndex('schedules_due').on('schedules').column('next_fire_at').execute();
  await db.schema.createIndex('schedules_claimed').on('schedules').column('claimed_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('schedules').execute();
}

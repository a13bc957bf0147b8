import type { Kysely } from 'kysely';
import { addIdentityColumn } from './identity-column.js';

/**
 * The audit log (issue #12): one row per recorded request, the entry whole in `doc`, beside the
 * columns its queries need. `seq` orders entries (ms timestamps collide); `audit_log_by_env` serves
 * the newest-first listing, the `since` filter's scan and the retention's clean-up, the
 * unique `audit_id` the page cursor and `audit_log_by_tenant` the tenant filter.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await addIdentityColumn(db, db.schema.createTable('audit_log'), 'seq')
    .addColumn('audit_id', 'text', (c) => c.notNull())
    .addColumn('env_id', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('tenant', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('doc', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_id').unique().on('audit_log').columns(['env_id', 'audit_id']).execute();
  await db.schema.createIndex('audit_log_by_env').on('audit_log').columns(['env_id', 'seq']).execute();
  await db.schema.createIndex('audit_log_by_tenant').on('audit_log').columns(['env_id', 'tenant', 'seq']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_log').execute();
}

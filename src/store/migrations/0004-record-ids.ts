import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * The record-id map of write jobs (issue 5): per (environment, tenant, flow, stream), the owner's
 * external id (`input_id`) → the id the target system gave the record (`remote_id`). The primary
 * key serves the hot path (lookup of a batch of input ids, keyset listing); `record_ids_remote`
 * finds the entry of a remote id; `record_ids_created_by` lists what a job created, for rollback.
 *
 * On PostgreSQL `input_id` is collated "C" (byte order): the same keyset order as SQLite, and
 * cheaper comparisons than a linguistic collation on an index of millions of ids.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('record_ids')
    .addColumn('env_id', 'text', (c) => c.notNull())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('flow_id', 'text', (c) => c.notNull())
    .addColumn('stream', 'text', (c) => c.notNull())
    .addColumn('input_id', 'text', (c) => (postgres ? c.notNull().modifyFront(sql`collate "C"`) : c.notNull()))
    .addColumn('remote_id', 'text', (c) => c.notNull())
    .addColumn('custom_data', 'text', (c) => c.notNull())
    .addColumn('record_hash', 'text')
    .addColumn('created_job_id', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('record_ids_pk', ['env_id', 'tenant', 'flow_id', 'stream', 'input_id'])
    .execute();
  await db.schema
    .createIndex('record_ids_remote')
    .on('record_ids')
    .columns(['env_id', 'tenant', 'flow_id', 'stream', 'remote_id'])
    .execute();
  await db.schema
    .createIndex('record_ids_created_by')
    .on('record_ids')
    .columns(['env_id', 'created_job_id', 'tenant', 'flow_id', 'stream', 'input_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('record_ids').execute();
}

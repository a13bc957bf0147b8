import type { Kysely } from 'kysely';

/**
 * The record-id map keeps only its primary key: lookups by input id and keyset listing are all it
 * serves (rollback reads what a job created from its export details). The two secondary indexes of
 * 0004 (by remote id, by creating job) cost two more B-tree updates per id written and served no
 * query; a write job of 100k records spent most of its worker time maintaining them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('record_ids_remote').execute();
  await db.schema.dropIndex('record_ids_created_by').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
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

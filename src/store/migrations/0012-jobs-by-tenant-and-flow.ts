import type { Kysely } from 'kysely';

/**
 * `GET /{env}/jobs` filtered by tenant, or by flow with other filters, grew with the environment's
 * history (bench/scale.ts, issue #19): no index began with (env_id, tenant), so the newest-first
 * walk of `jobs_by_env` read every job to find a tenant's few; and a flow with a status list and a
 * time window was answered by reading every job of those statuses and sorting them. These two
 * give both a newest-first range of their own, whose length no longer depends on the table's size.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('jobs_by_tenant').on('jobs').columns(['env_id', 'tenant', 'created_seq']).execute();
  await db.schema.createIndex('jobs_by_flow').on('jobs').columns(['env_id', 'flow_id', 'created_seq']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('jobs_by_flow').execute();
  await db.schema.dropIndex('jobs_by_tenant').execute();
}

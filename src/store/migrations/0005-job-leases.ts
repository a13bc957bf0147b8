import { type Kysely, sql } from 'kysely';

/**
 * Job leases (production mode): the worker running a job holds a lease on its row — `lease_owner`
 * (the worker's id) until `lease_expires_at` (epoch ms), renewed by a heartbeat. Claiming a job is a
 * compare-and-set on these columns, and any worker reaps a lease that expired (its holder died).
 * `worker_losses` counts the runs of this job whose worker was lost, against `worker_loss_retries`.
 * Columns rather than fields of `doc`, so the lifecycle (which rewrites `doc`) and the lease
 * bookkeeping never overwrite each other.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // One column per statement: SQLite's ALTER TABLE adds one at a time.
  await db.schema.alterTable('jobs').addColumn('lease_owner', 'text').execute();
  await db.schema.alterTable('jobs').addColumn('lease_expires_at', 'bigint').execute();
  await db.schema
    .alterTable('jobs')
    .addColumn('worker_losses', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // Released leases are null, so the reaper's range scan (`lease_expires_at < now`) sees live ones only.
  await db.schema.createIndex('jobs_lease_expiry').on('jobs').column('lease_expires_at').execute();
  // Jobs left running by a version without leases: their lease has already expired, so the reaper
  // ends them instead of leaving them running for ever.
  await sql`update jobs set lease_owner = 'before-leases', lease_expires_at = 0
    where status not in ('JOB_CREATED', 'DISCOVER_FAILED', 'SYNC_FAILED', 'ETL_FAILED', 'EXPORT_FAILED', 'JOB_COMPLETED', 'JOB_CANCELLED')`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('jobs_lease_expiry').execute();
  for (const column of ['worker_losses', 'lease_expires_at', 'lease_owner'])
    await db.schema.alterTable('jobs').dropColumn(column).execute();
}

import type { Kysely } from 'kysely';

/**
 * Asynchronous real-time writes (issue 5): one row per task, the task whole in `doc`, its status
 * and lease in columns. `write_tasks_finished` serves the clean-up of old finished tasks.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('write_tasks')
    .addColumn('env_id', 'text', (c) => c.notNull())
    .addColumn('task_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('doc', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('write_tasks_pk', ['env_id', 'task_id'])
    .execute();
  await db.schema.createIndex('write_tasks_finished').on('write_tasks').columns(['status', 'updated_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('write_tasks').execute();
}

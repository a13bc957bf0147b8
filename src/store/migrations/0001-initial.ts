import type { Kysely } from 'kysely';
import { addIdentityColumn } from './identity-column.js';

/**
 * The first schema. Written with the schema builder so the same code runs on SQLite and
 * PostgreSQL: JSON is `text` (the adapter (de)serializes it), epoch-ms numbers are `bigint`.
 * Migrations are frozen once released: later changes go in new files, never here.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('environments')
    .addColumn('env_id', 'text', (c) => c.primaryKey())
    .addColumn('doc', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('key_hash', 'text', (c) => c.primaryKey())
    .addColumn('env_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('doc', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('api_keys_by_env').on('api_keys').columns(['env_id', 'created_at']).execute();

  await db.schema
    .createTable('connector_definitions')
    .addColumn('env_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('doc', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('connector_definitions_pk', ['env_id', 'id'])
    .execute();

  await db.schema
    .createTable('flows')
    .addColumn('env_id', 'text', (c) => c.notNull())
    .addColumn('flow_id', 'text', (c) => c.notNull())
    .addColumn('doc', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('flows_pk', ['env_id', 'flow_id'])
    .execute();

  await db.schema
    .createTable('tenants')
    .addColumn('env_id', 'text', (c) => c.notNull())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('doc', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('tenants_pk', ['env_id', 'tenant'])
    .execute();

  // The primary key's column order (env, tenant first) also serves "links of a tenant" lookups.
  await db.schema
    .createTable('links')
    .addColumn('env_id', 'text', (c) => c.notNull())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('flow_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('connector_id', 'text', (c) => c.notNull())
    .addColumn('doc', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('links_pk', ['env_id', 'tenant', 'flow_id', 'role', 'connector_id'])
    .execute();
  await db.schema.createIndex('links_by_flow').on('links').columns(['env_id', 'flow_id']).execute();

  await addIdentityColumn(db, db.schema.createTable('jobs'), 'created_seq')
    .addColumn('job_id', 'text', (c) => c.notNull().unique())
    .addColumn('env_id', 'text', (c) => c.notNull())
    .addColumn('flow_id', 'text', (c) => c.notNull())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('link_role', 'text', (c) => c.notNull())
    .addColumn('link_connector', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('s3_root', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('doc', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('jobs_by_env').on('jobs').columns(['env_id', 'created_seq']).execute();
  await db.schema.createIndex('jobs_by_flow_tenant').on('jobs').columns(['env_id', 'flow_id', 'tenant', 'created_seq']).execute();
  await db.schema.createIndex('jobs_by_root').on('jobs').columns(['env_id', 's3_root']).execute();
  await db.schema
    .createIndex('jobs_by_link')
    .on('jobs')
    .columns(['env_id', 'flow_id', 'tenant', 'link_role', 'link_connector', 'status'])
    .execute();
  await db.schema.createIndex('jobs_by_status').on('jobs').columns(['status', 'created_seq']).execute();

  await addIdentityColumn(db, db.schema.createTable('events'), 'seq')
    .addColumn('event_id', 'text', (c) => c.notNull().unique())
    .addColumn('env_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('ordering_key', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint')
    .addColumn('delivered_at', 'bigint')
    .execute();
  await db.schema.createIndex('events_by_env').on('events').columns(['env_id', 'seq']).execute();
  await db.schema.createIndex('events_due').on('events').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('events_by_ordering_key').on('events').columns(['ordering_key', 'seq']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['events', 'jobs', 'links', 'tenants', 'flows', 'connector_definitions', 'api_keys', 'environments']) {
    await db.schema.dropTable(table).execute();
  }
}

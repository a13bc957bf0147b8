import type { Kysely } from 'kysely';

/**
 * OAuth linking (issue #15). `oauth_apps`: an environment's OAuth app per connector, the client
 * secret sealed inside `doc`. `oauth_states`: one row per authorization started, deleted when its
 * callback takes it (single use) or once expired; `oauth_states_expiry` serves that clean-up.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('oauth_apps')
    .addColumn('env_id', 'text', (c) => c.notNull())
    .addColumn('connector_id', 'text', (c) => c.notNull())
    .addColumn('doc', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('oauth_apps_pk', ['env_id', 'connector_id'])
    .execute();
  await db.schema
    .createTable('oauth_states')
    .addColumn('state_id', 'text', (c) => c.primaryKey())
    .addColumn('env_id', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('doc', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('oauth_states_expiry').on('oauth_states').columns(['expires_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('oauth_states').execute();
  await db.schema.dropTable('oauth_apps').execute();
}

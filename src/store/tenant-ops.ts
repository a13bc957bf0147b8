import type { Kysely } from 'kysely';
import type { Tenant } from '../model/tenant.js';
import type { Database } from './database-schema.js';
import { anyDeleted, docOf, docsOf } from './doc-rows.js';
import { toJsonColumn } from './json-column.js';
import type { Connection } from './store-connection.js';

/** An environment's tenants (their history is erased through `tenantErasure`). */
export interface TenantOps {
  /** Ordered by tenant id. */
  list(envId: string): Promise<Tenant[]>;
  get(envId: string, tenant: string): Promise<Tenant | undefined>;
  /** Inserts or replaces. */
  put(tenant: Tenant): Promise<void>;
  /** Deletes the tenant and its links (its history goes through tenantErasure). */
  delete(envId: string, tenant: string): Promise<boolean>;
}

export class KyselyTenantOps implements TenantOps {
  readonly #db: Connection;

  constructor(connection: Connection) {
    this.#db = connection;
  }

  async list(envId: string): Promise<Tenant[]> {
    return docsOf(await this.#db().selectFrom('tenants').select('doc').where('env_id', '=', envId).orderBy('tenant').execute());
  }

  async get(envId: string, tenant: string): Promise<Tenant | undefined> {
    return docOf(
      await this.#db().selectFrom('tenants').select('doc').where('env_id', '=', envId).where('tenant', '=', tenant).executeTakeFirst(),
    );
  }

  async put(tenant: Tenant): Promise<void> {
    const row = { env_id: tenant.env_id, tenant: tenant.tenant, doc: toJsonColumn(tenant) };
    await this.#db()
      .insertInto('tenants')
      .values(row)
      .onConflict((oc) => oc.columns(['env_id', 'tenant']).doUpdateSet({ doc: row.doc }))
      .execute();
  }

  /**
   * True when there was anything to delete: a tenant "exists" from its first link, so one with
   * links but no tenants row still counts.
   */
  async delete(envId: string, tenant: string): Promise<boolean> {
    return this.#atomically(async (db) => {
      const links = await db.deleteFrom('links').where('env_id', '=', envId).where('tenant', '=', tenant).executeTakeFirstOrThrow();
      const row = await db.deleteFrom('tenants').where('env_id', '=', envId).where('tenant', '=', tenant).executeTakeFirstOrThrow();
      return anyDeleted(links) || anyDeleted(row);
    });
  }

  /** Runs fn in a transaction, or in the caller's when this view is already bound to one. */
  async #atomically<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    const db = this.#db();
    return db.isTransaction ? fn(db) : db.transaction().execute(fn);
  }
}

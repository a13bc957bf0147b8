import type { Link, LinkKey, LinkRole } from '../model/link.js';
import { anyDeleted, docOf, docsOf } from './doc-rows.js';
import { toJsonColumn } from './json-column.js';
import type { Connection } from './store-connection.js';

export interface LinkFilter {
  env_id: string;
  flow_id?: string;
  tenant?: string;
  role?: LinkRole;
  connector_id?: string;
}

/** Links: a tenant's connection to one side of a flow, keyed by (env, tenant, flow, role, connector). */
export interface LinkOps {
  /** Ordered by tenant, flow, role, connector. */
  list(filter: LinkFilter): Promise<Link[]>;
  get(key: LinkKey): Promise<Link | undefined>;
  /** Inserts or replaces. */
  put(link: Link): Promise<void>;
  delete(key: LinkKey): Promise<boolean>;
}

const keyColumns = (k: LinkKey) => ({
  env_id: k.env_id,
  tenant: k.tenant,
  flow_id: k.flow_id,
  role: k.role,
  connector_id: k.connector_id,
});

export class KyselyLinkOps implements LinkOps {
  readonly #db: Connection;

  constructor(connection: Connection) {
    this.#db = connection;
  }

  async list(filter: LinkFilter): Promise<Link[]> {
    let q = this.#db().selectFrom('links').select('doc').where('env_id', '=', filter.env_id);
    if (filter.flow_id !== undefined) q = q.where('flow_id', '=', filter.flow_id);
    if (filter.tenant !== undefined) q = q.where('tenant', '=', filter.tenant);
    if (filter.role !== undefined) q = q.where('role', '=', filter.role);
    if (filter.connector_id !== undefined) q = q.where('connector_id', '=', filter.connector_id);
    return docsOf(await q.orderBy('tenant').orderBy('flow_id').orderBy('role').orderBy('connector_id').execute());
  }

  async get(key: LinkKey): Promise<Link | undefined> {
    return docOf(
      await this.#db()
        .selectFrom('links')
        .select('doc')
        .where((eb) => eb.and(keyColumns(key)))
        .executeTakeFirst(),
    );
  }

  async put(link: Link): Promise<void> {
    const row = { ...keyColumns(link), doc: toJsonColumn(link) };
    await this.#db()
      .insertInto('links')
      .values(row)
      .onConflict((oc) => oc.columns(['env_id', 'tenant', 'flow_id', 'role', 'connector_id']).doUpdateSet({ doc: row.doc }))
      .execute();
  }

  async delete(key: LinkKey): Promise<boolean> {
    return anyDeleted(
      await this.#db()
        .deleteFrom('links')
        .where((eb) => eb.and(keyColumns(key)))
        .executeTakeFirstOrThrow(),
    );
  }
}

import type { ConnectorDefinition } from '../model/connector-definition.js';
import { anyDeleted, docOf, docsOf } from './doc-rows.js';
import { toJsonColumn } from './json-column.js';
import type { Connection } from './store-connection.js';

/** Connector definitions registered through the API (the built-ins live in code, not here). */
export interface ConnectorOps {
  /** Ordered by id. */
  list(envId: string): Promise<ConnectorDefinition[]>;
  get(envId: string, id: string): Promise<ConnectorDefinition | undefined>;
  /** Inserts or replaces. */
  put(envId: string, def: ConnectorDefinition): Promise<void>;
  delete(envId: string, id: string): Promise<boolean>;
}

export class KyselyConnectorOps implements ConnectorOps {
  readonly #db: Connection;

  constructor(connection: Connection) {
    this.#db = connection;
  }

  async list(envId: string): Promise<ConnectorDefinition[]> {
    return docsOf(await this.#db().selectFrom('connector_definitions').select('doc').where('env_id', '=', envId).orderBy('id').execute());
  }

  async get(envId: string, id: string): Promise<ConnectorDefinition | undefined> {
    return docOf(
      await this.#db()
        .selectFrom('connector_definitions')
        .select('doc')
        .where('env_id', '=', envId)
        .where('id', '=', id)
        .executeTakeFirst(),
    );
  }

  async put(envId: string, def: ConnectorDefinition): Promise<void> {
    const row = { env_id: envId, id: def.id, doc: toJsonColumn(def) };
    await this.#db()
      .insertInto('connector_definitions')
      .values(row)
      .onConflict((oc) => oc.columns(['env_id', 'id']).doUpdateSet({ doc: row.doc }))
      .execute();
  }

  async delete(envId: string, id: string): Promise<boolean> {
    return anyDeleted(
      await this.#db().deleteFrom('connector_definitions').where('env_id', '=', envId).where('id', '=', id).executeTakeFirstOrThrow(),
    );
  }
}

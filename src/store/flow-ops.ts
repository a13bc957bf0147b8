import type { Flow } from '../model/flow.js';
import { anyDeleted, docOf, docsOf } from './doc-rows.js';
import { toJsonColumn } from './json-column.js';
import type { Connection } from './store-connection.js';

/** An environment's flows. */
export interface FlowOps {
  /** Ordered by flow id. */
  list(envId: string): Promise<Flow[]>;
  get(envId: string, flowId: string): Promise<Flow | undefined>;
  /** Inserts or replaces. */
  put(flow: Flow): Promise<void>;
  delete(envId: string, flowId: string): Promise<boolean>;
}

export class KyselyFlowOps implements FlowOps {
  readonly #db: Connection;

  constructor(connection: Connection) {
    this.#db = connection;
  }

  async list(envId: string): Promise<Flow[]> {
    return docsOf(await this.#db().selectFrom('flows').select('doc').where('env_id', '=', envId).orderBy('flow_id').execute());
  }

  async get(envId: string, flowId: string): Promise<Flow | undefined> {
    return docOf(
      await this.#db().selectFrom('flows').select('doc').where('env_id', '=', envId).where('flow_id', '=', flowId).executeTakeFirst(),
    );
  }

  async put(flow: Flow): Promise<void> {
    const row = { env_id: flow.env_id, flow_id: flow.flow_id, doc: toJsonColumn(flow) };
    await this.#db()
      .insertInto('flows')
      .values(row)
      .onConflict((oc) => oc.columns(['env_id', 'flow_id']).doUpdateSet({ doc: row.doc }))
      .execute();
  }

  async delete(envId: string, flowId: string): Promise<boolean> {
    return anyDeleted(
      await this.#db().deleteFrom('flows').where('env_id', '=', envId).where('flow_id', '=', flowId).executeTakeFirstOrThrow(),
    );
  }
}

import type { Environment } from '../model/environment.js';
import { docOf, docsOf } from './doc-rows.js';
import { toJsonColumn } from './json-column.js';
import type { Connection } from './store-connection.js';

/** Environments: the tenancy root every other row belongs to. */
export interface EnvironmentOps {
  get(envId: string): Promise<Environment | undefined>;
  /** Ordered by id. */
  list(): Promise<Environment[]>;
  /** Inserts or replaces. */
  put(env: Environment): Promise<void>;
}

export class KyselyEnvironmentOps implements EnvironmentOps {
  readonly #db: Connection;

  constructor(connection: Connection) {
    this.#db = connection;
  }

  async get(envId: string): Promise<Environment | undefined> {
    return docOf(await this.#db().selectFrom('environments').select('doc').where('env_id', '=', envId).executeTakeFirst());
  }

  async list(): Promise<Environment[]> {
    return docsOf(await this.#db().selectFrom('environments').select('doc').orderBy('env_id').execute());
  }

  async put(env: Environment): Promise<void> {
    const row = { env_id: env.env_id, doc: toJsonColumn(env) };
    await this.#db()
      .insertInto('environments')
      .values(row)
      .onConflict((oc) => oc.column('env_id').doUpdateSet({ doc: row.doc }))
      .execute();
  }
}

import type { ApiKey } from '../model/environment.js';
import { anyDeleted, docOf, docsOf } from './doc-rows.js';
import { toJsonColumn } from './json-column.js';
import type { Connection } from './store-connection.js';

/** An environment's API keys, stored by the SHA-256 hash of the key (the key itself never is). */
export interface ApiKeyOps {
  /** By hash alone: a request names its key, not its environment. */
  get(keyHash: string): Promise<ApiKey | undefined>;
  /** Inserts or replaces. */
  put(key: ApiKey): Promise<void>;
  /** Oldest first. */
  list(envId: string): Promise<ApiKey[]>;
  /** True when the environment had that key. */
  delete(envId: string, keyHash: string): Promise<boolean>;
}

export class KyselyApiKeyOps implements ApiKeyOps {
  readonly #db: Connection;

  constructor(connection: Connection) {
    this.#db = connection;
  }

  async get(keyHash: string): Promise<ApiKey | undefined> {
    return docOf(await this.#db().selectFrom('api_keys').select('doc').where('key_hash', '=', keyHash).executeTakeFirst());
  }

  async put(key: ApiKey): Promise<void> {
    const row = { key_hash: key.key_hash, env_id: key.env_id, created_at: key.created_at, doc: toJsonColumn(key) };
    await this.#db()
      .insertInto('api_keys')
      .values(row)
      .onConflict((oc) => oc.column('key_hash').doUpdateSet({ env_id: row.env_id, created_at: row.created_at, doc: row.doc }))
      .execute();
  }

  async list(envId: string): Promise<ApiKey[]> {
    return docsOf(
      await this.#db().selectFrom('api_keys').select('doc').where('env_id', '=', envId).orderBy('created_at').orderBy('key_hash').execute(),
    );
  }

  async delete(envId: string, keyHash: string): Promise<boolean> {
    return anyDeleted(
      await this.#db().deleteFrom('api_keys').where('env_id', '=', envId).where('key_hash', '=', keyHash).executeTakeFirstOrThrow(),
    );
  }
}

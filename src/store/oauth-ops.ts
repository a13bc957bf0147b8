import { fromJsonColumn, toJsonColumn } from './json-column.js';
import type { Connection } from './store-connection.js';

/** OAuth linking's rows (migration 0009): the environments' OAuth apps and the pending authorizations. */
export interface OAuthOps {
  getApp<T>(envId: string, connectorId: string): Promise<T | undefined>;
  putApp(envId: string, connectorId: string, app: unknown): Promise<void>;
  deleteApp(envId: string, connectorId: string): Promise<boolean>;
  insertState(stateId: string, envId: string, expiresAtMs: number, pending: unknown): Promise<void>;
  /**
   * Takes a pending authorization once: the row is deleted, and only the caller whose delete
   * removed it gets it back — a second callback with the same state (replayed, or racing the
   * first) gets undefined, as does an expired one.
   */
  takeState<T>(stateId: string, nowMs: number): Promise<T | undefined>;
  /** Deletes expired authorizations; returns how many went. */
  pruneStates(nowMs: number): Promise<number>;
}

export class KyselyOAuthOps implements OAuthOps {
  readonly #db: Connection;

  constructor(connection: Connection) {
    this.#db = connection;
  }

  async getApp<T>(envId: string, connectorId: string): Promise<T | undefined> {
    const row = await this.#db()
      .selectFrom('oauth_apps')
      .select('doc')
      .where('env_id', '=', envId)
      .where('connector_id', '=', connectorId)
      .executeTakeFirst();
    return row === undefined ? undefined : fromJsonColumn<T>(row.doc);
  }

  async putApp(envId: string, connectorId: string, app: unknown): Promise<void> {
    const doc = toJsonColumn(app);
    await this.#db()
      .insertInto('oauth_apps')
      .values({ env_id: envId, connector_id: connectorId, doc })
      .onConflict((oc) => oc.columns(['env_id', 'connector_id']).doUpdateSet({ doc }))
      .execute();
  }

  async deleteApp(envId: string, connectorId: string): Promise<boolean> {
    const r = await this.#db()
      .deleteFrom('oauth_apps')
      .where('env_id', '=', envId)
      .where('connector_id', '=', connectorId)
      .executeTakeFirst();
    return r.numDeletedRows > 0n;
  }

  async insertState(stateId: string, envId: string, expiresAtMs: number, pending: unknown): Promise<void> {
    await this.#db()
      .insertInto('oauth_states')
      .values({ state_id: stateId, env_id: envId, expires_at: expiresAtMs, doc: toJsonColumn(pending) })
      .execute();
  }

  async takeState<T>(stateId: string, nowMs: number): Promise<T | undefined> {
    const row = await this.#db()
      .selectFrom('oauth_states')
      .select(['doc', 'expires_at'])
      .where('state_id', '=', stateId)
      .executeTakeFirst();
    if (!row) return undefined;
    const r = await this.#db().deleteFrom('oauth_states').where('state_id', '=', stateId).executeTakeFirst();
    if (r.numDeletedRows === 0n || Number(row.expires_at) <= nowMs) return undefined;
    return fromJsonColumn<T>(row.doc);
  }

  async pruneStates(nowMs: number): Promise<number> {
    const r = await this.#db().deleteFrom('oauth_states').where('expires_at', '<=', nowMs).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}

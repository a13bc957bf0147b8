import type { AuditEntry, AuditListFilter } from '../model/audit-entry.js';
import { fromJsonColumn, toJsonColumn } from './json-column.js';
import type { Connection } from './store-connection.js';

/** How much of an environment's audit log is kept (see AuditOps.prune). */
export interface AuditRetention {
  /** Entries older than this instant (epoch ms) go. */
  beforeMs: number;
  /** Only this many of the newest entries stay, whatever their age. */
  keep: number;
}

/** The audit log (migration 0008): written by the API's audit hook, read by `GET /{env}/audit`. */
export interface AuditOps {
  insert(entry: AuditEntry): Promise<void>;
  /** Newest first; `before_audit_id` continues after that entry (an unknown one gives nothing). */
  list(filter: AuditListFilter): Promise<AuditEntry[]>;
  /** Deletes one environment's entries past its retention; returns how many went. */
  prune(envId: string, retention: AuditRetention): Promise<number>;
}

export class KyselyAuditOps implements AuditOps {
  readonly #db: Connection;

  constructor(connection: Connection) {
    this.#db = connection;
  }

  async insert(entry: AuditEntry): Promise<void> {
    await this.#db()
      .insertInto('audit_log')
      .values({
        audit_id: entry.audit_id,
        env_id: entry.env_id,
        at: Date.parse(entry.at),
        tenant: entry.tenant,
        actor: entry.actor,
        resource: entry.resource,
        doc: toJsonColumn(entry),
      })
      .execute();
  }

  async list(filter: AuditListFilter): Promise<AuditEntry[]> {
    if (filter.limit <= 0) return [];
    let q = this.#db().selectFrom('audit_log').select('doc').where('env_id', '=', filter.env_id);
    const tenant = filter.tenant;
    // "What happened to this tenant, or what did it do": the path's tenant, or the caller.
    if (tenant !== undefined) q = q.where((eb) => eb.or([eb('tenant', '=', tenant), eb('actor', '=', `tenant:${tenant}`)]));
    if (filter.resource !== undefined) q = q.where('resource', '=', filter.resource);
    if (filter.since_ms !== undefined) q = q.where('at', '>=', filter.since_ms);
    const before = filter.before_audit_id;
    if (before !== undefined) {
      q = q.where('seq', '<', (eb) =>
        eb
          .selectFrom('audit_log as cursor')
          .select('cursor.seq')
          .where('cursor.env_id', '=', filter.env_id)
          .where('cursor.audit_id', '=', before),
      );
    }
    const rows = await q.orderBy('seq', 'desc').limit(filter.limit).execute();
    return rows.map((r) => fromJsonColumn<AuditEntry>(r.doc));
  }

  async prune(envId: string, retention: AuditRetention): Promise<number> {
    // The oldest entry kept by the cap: the `keep`-th newest (none when there are fewer).
    const keepFrom = this.#db()
      .selectFrom('audit_log as newest')
      .select('newest.seq')
      .where('newest.env_id', '=', envId)
      .orderBy('newest.seq', 'desc')
      .limit(1)
      .offset(Math.max(retention.keep, 1) - 1);
    const result = await this.#db()
      .deleteFrom('audit_log')
      .where('env_id', '=', envId)
      .where((eb) => eb.or([eb('at', '<', retention.beforeMs), eb('seq', '<', keepFrom)]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

import { TERMINAL_STATUSES } from '../model/job.js';
import type { Connection } from './store-connection.js';

const TERMINAL = [...TERMINAL_STATUSES];

/** What erasing a tenant's history removed. */
export interface ErasedTenantHistory {
  jobs: number;
  record_ids: number;
}

/**
 * The rows a tenant leaves behind beside its links: job history and the write jobs' record-id map.
 * Deleting a tenant erases them, so a tenant created later under the same id starts with nothing
 * of the old one's — above all not its InputId → RemoteId map, which would make its writes update
 * the old tenant's records.
 */
export interface TenantErasureOps {
  /** Ids of the tenant's jobs that have not ended (oldest first). */
  activeJobIds(envId: string, tenant: string): Promise<string[]>;
  /** Deletes the tenant's ended jobs and its record-id map. */
  eraseHistory(envId: string, tenant: string): Promise<ErasedTenantHistory>;
}

export class KyselyTenantErasureOps implements TenantErasureOps {
  readonly #db: Connection;

  constructor(connection: Connection) {
    this.#db = connection;
  }

  async activeJobIds(envId: string, tenant: string): Promise<string[]> {
    const rows = await this.#db()
      .selectFrom('jobs')
      .select('job_id')
      .where('env_id', '=', envId)
      .where('tenant', '=', tenant)
      .where('status', 'not in', TERMINAL)
      .orderBy('created_seq')
      .execute();
    return rows.map((r) => r.job_id);
  }

  async eraseHistory(envId: string, tenant: string): Promise<ErasedTenantHistory> {
    const jobs = await this.#db()
      .deleteFrom('jobs')
      .where('env_id', '=', envId)
      .where('tenant', '=', tenant)
      .where('status', 'in', TERMINAL)
      .executeTakeFirstOrThrow();
    const recordIds = await this.#db()
      .deleteFrom('record_ids')
      .where('env_id', '=', envId)
      .where('tenant', '=', tenant)
      .executeTakeFirstOrThrow();
    return { jobs: Number(jobs.numDeletedRows), record_ids: Number(recordIds.numDeletedRows) };
  }
}

import { type ExpressionBuilder, sql } from 'kysely';
import { type Job, type JobStatus, TERMINAL_STATUSES } from '../model/job.js';
import { type Database, epochMs } from './database-schema.js';
import { fromJsonColumn } from './json-column.js';
import type { Connection } from './store-connection.js';

/** A job row with its lease bookkeeping (migration 0005). */
export interface LeasedJob {
  job: Job;
  lease_owner: string | null;
  lease_expires_at: number | null;
  worker_losses: number;
}

export interface JobRef {
  env_id: string;
  job_id: string;
}

/**
 * Who runs a job, for many workers over one store. A worker claims a queued job with a
 * compare-and-set on its row (only one caller wins), renews the lease while the job runs, and
 * releases it once the job's end is recorded; any worker ends or re-queues jobs whose lease expired.
 */
export interface JobLeaseOps {
  /**
   * Reads a job and, inside a transaction, locks its row until the transaction ends (FOR UPDATE on
   * PostgreSQL; SQLite transactions are serial already), so concurrent status changes serialize.
   */
  lockJob(envId: string, jobId: string): Promise<LeasedJob | undefined>;
  /**
   * Compare-and-set: leases the job to `owner` until `expiresAt` if it is JOB_CREATED, leased to
   * nobody, and the oldest unfinished job of its link (one job per link at a time). True for the one
   * caller that won.
   */
  claim(envId: string, jobId: string, owner: string, expiresAt: number): Promise<boolean>;
  /** Extends `owner`'s leases on these jobs; returns those it still holds, with their status. */
  renew(owner: string, jobIds: string[], expiresAt: number): Promise<{ job_id: string; status: JobStatus }[]>;
  /** Clears the lease if `owner` still holds it. */
  release(envId: string, jobId: string, owner: string): Promise<boolean>;
  /** Clears the lease whoever holds it (the reaper, a hand-back), counting a lost worker if asked. */
  clearLease(envId: string, jobId: string, opts: { countLoss: boolean }): Promise<void>;
  /** Unfinished jobs whose lease expired before `nowMs`, soonest expired first. */
  listExpired(nowMs: number, limit: number): Promise<JobRef[]>;
  /**
   * Jobs that could run now but nobody holds: JOB_CREATED, unleased, the oldest unfinished job of
   * their link, created before `createdBeforeMs`; oldest first.
   */
  listRunnable(createdBeforeMs: number, limit: number): Promise<JobRef[]>;
}

const TERMINAL = [...TERMINAL_STATUSES];

/** No older unfinished job of the same link: this one is next in line (one job per link at a time). */
function headOfItsLink({ not, exists, selectFrom }: ExpressionBuilder<Database, 'jobs'>) {
  return not(
    exists(
      selectFrom('jobs as older')
        .select(sql.lit(1).as('one'))
        .whereRef('older.env_id', '=', 'jobs.env_id')
        .whereRef('older.flow_id', '=', 'jobs.flow_id')
        .whereRef('older.tenant', '=', 'jobs.tenant')
        .whereRef('older.link_role', '=', 'jobs.link_role')
        .whereRef('older.link_connector', '=', 'jobs.link_connector')
        .whereRef('older.created_seq', '<', 'jobs.created_seq')
        .where('older.status', 'not in', TERMINAL),
    ),
  );
}

export class KyselyJobLeaseOps implements JobLeaseOps {
  readonly #db: Connection;
  readonly #dialect: 'sqlite' | 'postgres';

  constructor(connection: Connection, dialect: 'sqlite' | 'postgres') {
    this.#db = connection;
    this.#dialect = dialect;
  }

  async lockJob(envId: string, jobId: string): Promise<LeasedJob | undefined> {
    let q = this.#db()
      .selectFrom('jobs')
      .select(['doc', 'lease_owner', 'lease_expires_at', 'worker_losses'])
      .where('env_id', '=', envId)
      .where('job_id', '=', jobId);
    if (this.#dialect === 'postgres') q = q.forUpdate();
    const row = await q.executeTakeFirst();
    if (row === undefined) return undefined;
    return {
      job: fromJsonColumn<Job>(row.doc),
      lease_owner: row.lease_owner,
      lease_expires_at: row.lease_expires_at === null ? null : epochMs(row.lease_expires_at),
      worker_losses: Number(row.worker_losses),
    };
  }

  async claim(envId: string, jobId: string, owner: string, expiresAt: number): Promise<boolean> {
    const r = await this.#db()
      .updateTable('jobs')
      .set({ lease_owner: owner, lease_expires_at: expiresAt })
      .where('env_id', '=', envId)
      .where('job_id', '=', jobId)
      .where('status', '=', 'JOB_CREATED')
      .where('lease_owner', 'is', null)
      .where(headOfItsLink)
      .executeTakeFirstOrThrow();
    return r.numUpdatedRows > 0n;
  }

  async renew(owner: string, jobIds: string[], expiresAt: number): Promise<{ job_id: string; status: JobStatus }[]> {
    if (jobIds.length === 0) return [];
    const rows = await this.#db()
      .updateTable('jobs')
      .set({ lease_expires_at: expiresAt })
      .where('lease_owner', '=', owner)
      .where('job_id', 'in', jobIds)
      .returning(['job_id', 'status'])
      .execute();
    return rows.map((r) => ({ job_id: r.job_id, status: r.status as JobStatus }));
  }

  async release(envId: string, jobId: string, owner: string): Promise<boolean> {
    const r = await this.#db()
      .updateTable('jobs')
      .set({ lease_owner: null, lease_expires_at: null })
      .where('env_id', '=', envId)
      .where('job_id', '=', jobId)
      .where('lease_owner', '=', owner)
      .executeTakeFirstOrThrow();
    return r.numUpdatedRows > 0n;
  }

  async clearLease(envId: string, jobId: string, opts: { countLoss: boolean }): Promise<void> {
    await this.#db()
      .updateTable('jobs')
      .set((eb) => ({
        lease_owner: null,
        lease_expires_at: null,
        worker_losses: opts.countLoss ? eb('worker_losses', '+', 1) : eb.ref('worker_losses'),
      }))
      .where('env_id', '=', envId)
      .where('job_id', '=', jobId)
      .execute();
  }

  async listExpired(nowMs: number, limit: number): Promise<JobRef[]> {
    if (limit <= 0) return [];
    return this.#db()
      .selectFrom('jobs')
      .select(['env_id', 'job_id'])
      .where('lease_expires_at', '<', nowMs)
      .where('status', 'not in', TERMINAL)
      .orderBy('lease_expires_at')
      .limit(limit)
      .execute();
  }

  async listRunnable(createdBeforeMs: number, limit: number): Promise<JobRef[]> {
    if (limit <= 0) return [];
    return this.#db()
      .selectFrom('jobs')
      .select(['env_id', 'job_id'])
      .where('status', '=', 'JOB_CREATED')
      .where('lease_owner', 'is', null)
      .where('created_at', '<', createdBeforeMs)
      .where(headOfItsLink)
      .orderBy('created_seq')
      .limit(limit)
      .execute();
  }
}

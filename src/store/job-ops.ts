import { sql } from 'kysely';
import { SinewError } from '../errors/sinew-error.js';
import { type Job, type JobStatus, TERMINAL_STATUSES } from '../model/job.js';
import { type LinkKey, linkKeyString } from '../model/link.js';
import { docOf, docsOf } from './doc-rows.js';
import { toJsonColumn } from './json-column.js';
import type { Connection } from './store-connection.js';
import { isUniqueViolation } from './unique-violation.js';

export interface JobListFilter {
  env_id: string;
  flow_id?: string;
  tenant?: string;
  status?: JobStatus[];
  /** Created at or after / strictly before these instants (epoch ms). */
  created_after?: number;
  created_before?: number;
  /** Newest first; return jobs created strictly before this job's creation (keyset paging). */
  before_job_id?: string;
  limit: number;
}

/**
 * Jobs: creating and reading them. There is no general update here on purpose: a job changes only
 * through JobLifecycle, which writes with the store's JobStatusWriter (job-status-writer.ts).
 */
export interface JobOps {
  /** CONFLICT when the id is taken. */
  insert(job: Job): Promise<void>;
  get(envId: string, jobId: string): Promise<Job | undefined>;
  /** The newest job working in this storage root. */
  getByRoot(envId: string, s3Root: string): Promise<Job | undefined>;
  /** Newest first. An empty `status` list matches no job; an unknown `before_job_id` yields an empty page. */
  list(filter: JobListFilter): Promise<Job[]>;
  /**
   * Inside a transaction: holds job creation for this link until the transaction ends, so the
   * "one active job per link" check and the insert cannot interleave with another process's
   * (PostgreSQL advisory lock; SQLite transactions are serial already).
   */
  lockLink(key: LinkKey): Promise<void>;
  /** Jobs of one link that are not in a terminal status, oldest first. */
  listActiveForLink(key: LinkKey): Promise<Job[]>;
  /** Jobs in any of these statuses across all environments, oldest first (recovery at start-up). */
  listByStatus(statuses: JobStatus[], limit: number): Promise<Job[]>;
}

const TERMINAL = [...TERMINAL_STATUSES];

export class KyselyJobOps implements JobOps {
  readonly #db: Connection;
  readonly #dialect: 'sqlite' | 'postgres';

  constructor(connection: Connection, dialect: 'sqlite' | 'postgres') {
    this.#db = connection;
    this.#dialect = dialect;
  }

  async insert(job: Job): Promise<void> {
    try {
      await this.#db()
        .insertInto('jobs')
        .values({
          job_id: job.job_id,
          env_id: job.env_id,
          flow_id: job.flow_id,
          tenant: job.tenant,
          link_role: job.link_role,
          link_connector: job.link_connector,
          status: job.status,
          s3_root: job.s3_root,
          created_at: Date.now(),
          doc: toJsonColumn(job),
        })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw new SinewError('CONFLICT', `job ${job.job_id} already exists`, { job_id: job.job_id });
      throw error;
    }
  }

  async get(envId: string, jobId: string): Promise<Job | undefined> {
    return docOf(
      await this.#db().selectFrom('jobs').select('doc').where('env_id', '=', envId).where('job_id', '=', jobId).executeTakeFirst(),
    );
  }

  async getByRoot(envId: string, s3Root: string): Promise<Job | undefined> {
    return docOf(
      await this.#db()
        .selectFrom('jobs')
        .select('doc')
        .where('env_id', '=', envId)
        .where('s3_root', '=', s3Root)
        .orderBy('created_seq', 'desc')
        .limit(1)
        .executeTakeFirst(),
    );
  }

  async list(filter: JobListFilter): Promise<Job[]> {
    if (filter.limit <= 0 || filter.status?.length === 0) return [];
    let q = this.#db().selectFrom('jobs').select('doc').where('env_id', '=', filter.env_id);
    if (filter.flow_id !== undefined) q = q.where('flow_id', '=', filter.flow_id);
    if (filter.tenant !== undefined) q = q.where('tenant', '=', filter.tenant);
    if (filter.status !== undefined) q = q.where('status', 'in', filter.status);
    if (filter.created_after !== undefined) q = q.where('created_at', '>=', filter.created_after);
    if (filter.created_before !== undefined) q = q.where('created_at', '<', filter.created_before);
    const before = filter.before_job_id;
    if (before !== undefined) {
      q = q.where('created_seq', '<', (eb) =>
        eb
          .selectFrom('jobs as cursor')
          .select('cursor.created_seq')
          .where('cursor.env_id', '=', filter.env_id)
          .where('cursor.job_id', '=', before),
      );
    }
    return docsOf(await q.orderBy('created_seq', 'desc').limit(filter.limit).execute());
  }

  async lockLink(key: LinkKey): Promise<void> {
    if (this.#dialect !== 'postgres') return;
    await sql`select pg_advisory_xact_lock(hashtextextended(${linkKeyString(key)}, 0))`.execute(this.#db());
  }

  async listActiveForLink(key: LinkKey): Promise<Job[]> {
    return docsOf(
      await this.#db()
        .selectFrom('jobs')
        .select('doc')
        .where('env_id', '=', key.env_id)
        .where('flow_id', '=', key.flow_id)
        .where('tenant', '=', key.tenant)
        .where('link_role', '=', key.role)
        .where('link_connector', '=', key.connector_id)
        .where('status', 'not in', TERMINAL)
        .orderBy('created_seq')
        .execute(),
    );
  }

  async listByStatus(statuses: JobStatus[], limit: number): Promise<Job[]> {
    if (statuses.length === 0 || limit <= 0) return [];
    return docsOf(
      await this.#db().selectFrom('jobs').select('doc').where('status', 'in', statuses).orderBy('created_seq').limit(limit).execute(),
    );
  }
}

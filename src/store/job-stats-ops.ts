import type { JobStatus } from '../model/job.js';
import type { Connection } from './store-connection.js';

/** How many jobs of one environment are in one status. */
export interface JobStatusCount {
  env_id: string;
  status: JobStatus;
  count: number;
}

/** Aggregate reads over the jobs table, for metrics (namespaced so the store port stays readable). */
export interface JobStatsOps {
  /** Job counts per (environment, status), only the pairs that have jobs, ordered by both. */
  countByStatus(): Promise<JobStatusCount[]>;
}

export class KyselyJobStatsOps implements JobStatsOps {
  readonly #db: Connection;

  constructor(connection: Connection) {
    this.#db = connection;
  }

  async countByStatus(): Promise<JobStatusCount[]> {
    // Only key columns are read, so both dialects can answer from an index that holds env_id and
    // status (jobs_by_link) instead of reading every job document.
    const rows = await this.#db()
      .selectFrom('jobs')
      .select((eb) => ['env_id', 'status', eb.fn.countAll<number | string | bigint>().as('count')])
      .groupBy(['env_id', 'status'])
      .orderBy('env_id')
      .orderBy('status')
      .execute();
    // PostgreSQL's count() is a bigint, which pg hands out as a string.
    return rows.map((r) => ({ env_id: r.env_id, status: r.status as JobStatus, count: Number(r.count) }));
  }
}

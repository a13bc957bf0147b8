import type { JobStatus } from '../model/job.js';
import type { LinkRole } from '../model/link.js';
import type { Connection } from './store-connection.js';

/** How many jobs of one environment are in one status. */
export interface JobStatusCount {
  env_id: string;
  status: JobStatus;
  count: number;
}

/** How many of one environment's jobs, created on one UTC day, are in one status. */
export interface DailyStatusCount {
  /** Days since the epoch (UTC): created_at / 86,400,000, rounded down. */
  day: number;
  status: JobStatus;
  count: number;
}

/** How many jobs of one link are in the statuses asked for. */
export interface LinkJobCount {
  flow_id: string;
  tenant: string;
  link_role: LinkRole;
  link_connector: string;
  count: number;
}

const DAY_MS = 86_400_000;

/** Aggregate reads over the jobs table, for metrics and the dashboard's overview (namespaced so the store port stays readable). */
export interface JobStatsOps {
  /** Job counts per (environment, status), only the pairs that have jobs, ordered by both. */
  countByStatus(): Promise<JobStatusCount[]>;
  /** One environment's jobs created at or after `since` (epoch ms), counted per UTC day and status. */
  countByDayAndStatus(envId: string, since: number): Promise<DailyStatusCount[]>;
  /** One environment's jobs created at or after `since` in one of `statuses`, counted per link, most first. */
  countByLink(envId: string, since: number, statuses: readonly JobStatus[], limit: number): Promise<LinkJobCount[]>;
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

  async countByDayAndStatus(envId: string, since: number): Promise<DailyStatusCount[]> {
    // Integer division in both dialects (created_at is an integer column): the day, computed in the
    // database so 100,000 jobs are a few dozen rows here, never 100,000 documents.
    const rows = await this.#db()
      .selectFrom('jobs')
      .select((eb) => [eb('created_at', '/', DAY_MS).as('day'), 'status', eb.fn.countAll<number | string | bigint>().as('count')])
      .where('env_id', '=', envId)
      .where('created_at', '>=', since)
      .groupBy(['day', 'status'])
      .orderBy('day')
      .execute();
    return rows.map((r) => ({ day: Math.floor(Number(r.day)), status: r.status as JobStatus, count: Number(r.count) }));
  }

  async countByLink(envId: string, since: number, statuses: readonly JobStatus[], limit: number): Promise<LinkJobCount[]> {
    if (statuses.length === 0 || limit <= 0) return [];
    const rows = await this.#db()
      .selectFrom('jobs')
      .select((eb) => ['flow_id', 'tenant', 'link_role', 'link_connector', eb.fn.countAll<number | string | bigint>().as('count')])
      .where('env_id', '=', envId)
      .where('created_at', '>=', since)
      .where('status', 'in', [...statuses])
      .groupBy(['flow_id', 'tenant', 'link_role', 'link_connector'])
      .orderBy('count', 'desc')
      .orderBy('flow_id')
      .orderBy('tenant')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      flow_id: r.flow_id,
      tenant: r.tenant,
      link_role: r.link_role as LinkRole,
      link_connector: r.link_connector,
      count: Number(r.count),
    }));
  }
}

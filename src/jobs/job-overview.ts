import type { Job, JobStatus } from '../model/job.js';
import { FAILURE_STATUSES, TERMINAL_STATUSES } from '../model/job-phases.js';
import { type LinkHealth, type LinkRole, linkHealth } from '../model/link.js';
import type { Store } from '../store/store.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Finished jobs read whole for the charts and the slowest links: enough to see a trend, few enough to answer fast with 100,000 jobs. */
export const OVERVIEW_SAMPLE = 300;
const TOP = 10;

export interface StatusWindow {
  total: number;
  failed: number;
  /** failed / finished (completed, failed or cancelled); 0 when none finished. */
  failure_rate: number;
  by_status: Partial<Record<JobStatus, number>>;
}

interface LinkRef {
  flow_id: string;
  tenant: string;
  role: LinkRole;
  connector_id: string;
}

export interface JobOverview {
  generated_at: string;
  last_24h: StatusWindow;
  last_7d: StatusWindow;
  /** The last 7 UTC days, oldest first (the first one partly). */
  per_day: { day: string; total: number; failed: number }[];
  failing_links: (LinkRef & { failed: number })[];
  slowest_links: (LinkRef & { jobs: number; average_ms: number; max_ms: number })[];
  /** The last finished jobs of the 7 days (at most OVERVIEW_SAMPLE), oldest first: the charts' points. */
  recent_jobs: {
    job_id: string;
    flow_id: string;
    tenant: string;
    status: JobStatus;
    start_time: string;
    duration_ms: number;
    records: number;
  }[];
  invalid_links: (LinkRef & { health: LinkHealth })[];
}

function windowOf(counts: Iterable<{ status: JobStatus; count: number }>): StatusWindow {
  const by_status: Partial<Record<JobStatus, number>> = {};
  let total = 0;
  let failed = 0;
  let finished = 0;
  for (const { status, count } of counts) {
    by_status[status] = (by_status[status] ?? 0) + count;
    total += count;
    if (FAILURE_STATUSES.has(status)) failed += count;
    if (TERMINAL_STATUSES.has(status)) finished += count;
  }
  return { total, failed, failure_rate: finished === 0 ? 0 : failed / finished, by_status };
}

/** Created → the status it ended in (status_timestamp), or undefined while it runs. */
export function jobDurationMs(job: Pick<Job, 'status' | 'status_timestamp' | 'start_time'>): number | undefined {
  const end = job.status_timestamp[job.status];
  const start = job.status_timestamp.JOB_CREATED ?? Date.parse(job.start_time);
  return TERMINAL_STATUSES.has(job.status) && end !== undefined && Number.isFinite(start) ? Math.max(0, end - start) : undefined;
}

const recordsOf = (job: Job): number => Object.values(job.metrics?.recordCount ?? {}).reduce((a, b) => a + b, 0);
const linkOf = (job: Job): LinkRef => ({ flow_id: job.flow_id, tenant: job.tenant, role: job.link_role, connector_id: job.link_connector });

function slowestLinks(jobs: { job: Job; ms: number }[]): JobOverview['slowest_links'] {
  const byLink = new Map<string, { ref: LinkRef; total: number; max: number; jobs: number }>();
  for (const { job, ms } of jobs) {
    const ref = linkOf(job);
    const key = JSON.stringify(ref);
    const entry = byLink.get(key) ?? { ref, total: 0, max: 0, jobs: 0 };
    entry.total += ms;
    entry.max = Math.max(entry.max, ms);
    entry.jobs += 1;
    byLink.set(key, entry);
  }
  return [...byLink.values()]
    .map((e) => ({ ...e.ref, jobs: e.jobs, average_ms: Math.round(e.total / e.jobs), max_ms: e.max }))
    .sort((a, b) => b.average_ms - a.average_ms)
    .slice(0, TOP);
}

/**
 * What the owner's dashboard shows first (`GET /{env}/jobs/overview`): counts computed in the
 * database (per day and status, per failing link), and only the last few hundred finished jobs read
 * whole, for the charts and the slowest links — never every job of the week.
 */
export async function jobOverview(store: Store, envId: string, now = Date.now()): Promise<JobOverview> {
  const weekAgo = now - 7 * DAY_MS;
  const dayAgo = now - DAY_MS;
  const [daily, lastDay, failing, finished, links] = await Promise.all([
    store.jobStats.countByDayAndStatus(envId, weekAgo),
    store.jobStats.countByDayAndStatus(envId, dayAgo),
    store.jobStats.countByLink(envId, weekAgo, [...FAILURE_STATUSES], TOP),
    store.jobs.list({ env_id: envId, status: [...TERMINAL_STATUSES], created_after: weekAgo, limit: OVERVIEW_SAMPLE }),
    store.links.list({ env_id: envId }),
  ]);
  const firstDay = Math.floor(weekAgo / DAY_MS);
  const per_day = Array.from({ length: 8 }, (_v, i) => firstDay + i)
    .filter((d) => d * DAY_MS <= now)
    .map((d) => {
      const rows = daily.filter((r) => r.day === d);
      return {
        day: new Date(d * DAY_MS).toISOString().slice(0, 10),
        total: rows.reduce((a, r) => a + r.count, 0),
        failed: rows.filter((r) => FAILURE_STATUSES.has(r.status)).reduce((a, r) => a + r.count, 0),
      };
    });
  const timed = finished.flatMap((job) => {
    const ms = jobDurationMs(job);
    return ms === undefined ? [] : [{ job, ms }];
  });
  return {
    generated_at: new Date(now).toISOString(),
    last_24h: windowOf(lastDay),
    last_7d: windowOf(daily),
    per_day,
    failing_links: failing.map((r) => ({
      flow_id: r.flow_id,
      tenant: r.tenant,
      role: r.link_role,
      connector_id: r.link_connector,
      failed: r.count,
    })),
    slowest_links: slowestLinks(timed),
    recent_jobs: timed
      .map(({ job, ms }) => ({
        job_id: job.job_id,
        flow_id: job.flow_id,
        tenant: job.tenant,
        status: job.status,
        start_time: job.start_time,
        duration_ms: ms,
        records: recordsOf(job),
      }))
      .reverse(),
    invalid_links: links
      .filter((l) => linkHealth(l).status === 'invalid')
      .map((l) => ({ flow_id: l.flow_id, tenant: l.tenant, role: l.role, connector_id: l.connector_id, health: linkHealth(l) })),
  };
}

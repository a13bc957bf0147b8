import type { Job, JobStatus } from '../model/job.js';
import type { JobListFilter, Store } from '../store/store.js';

/** The filters of `GET /{env}/jobs`: across every flow and tenant unless narrowed. */
export interface EnvironmentJobQuery {
  status?: JobStatus[];
  flow_id?: string;
  tenant?: string;
  job_type?: 'read' | 'write';
  created_after?: number;
  created_before?: number;
  limit: number;
  before?: string;
}

/**
 * An environment's jobs, newest first, a page at a time (`before` = the last job id seen). The job
 * type lives in the job document, not in a column: pages are read until enough jobs of that type
 * are found or the jobs run out, so a short page always means the end.
 */
export async function listEnvironmentJobs(store: Store, envId: string, q: EnvironmentJobQuery): Promise<Job[]> {
  const filter: JobListFilter = {
    env_id: envId,
    ...(q.flow_id !== undefined ? { flow_id: q.flow_id } : {}),
    ...(q.tenant !== undefined ? { tenant: q.tenant } : {}),
    ...(q.status !== undefined ? { status: q.status } : {}),
    ...(q.created_after !== undefined ? { created_after: q.created_after } : {}),
    ...(q.created_before !== undefined ? { created_before: q.created_before } : {}),
    limit: q.job_type === undefined ? q.limit : Math.max(200, q.limit * 2),
    ...(q.before !== undefined ? { before_job_id: q.before } : {}),
  };
  if (q.job_type === undefined) return store.jobs.list(filter);
  const found: Job[] = [];
  for (;;) {
    const page = await store.jobs.list(filter);
    for (const job of page) {
      if (job.job_type === q.job_type) found.push(job);
      if (found.length === q.limit) return found;
    }
    if (page.length < filter.limit) return found;
    filter.before_job_id = page.at(-1)!.job_id;
  }
}

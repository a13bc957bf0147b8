import { useEffect } from 'preact/hooks';
import type { components } from '../../../src/contract/sinew-api.js';
import { useApi } from '../api-context.js';
import { count, duration, when } from '../format.js';
import { href, navigate } from '../hash-route.js';
import { Badge, ErrorNote, Loading } from '../ui.js';
import { useLoad } from '../use-load.js';
import { filtersOf, JobFilterBar } from './job-filters.js';

export type Job = components['schemas']['Job'];
const PAGE = 50;

export const jobHref = (j: Pick<Job, 'flow_id' | 'tenant' | 'job_id'>) => href(['jobs', j.flow_id, j.tenant, j.job_id]);
const records = (j: Job) => Object.values(j.metrics?.recordCount ?? {}).reduce((a, b) => a + b, 0);
const took = (j: Job) => {
  const s = j.status_timestamp ?? {};
  const end = s[j.status];
  return end !== undefined && s.JOB_CREATED !== undefined && j.status !== 'JOB_CREATED' ? end - s.JOB_CREATED : undefined;
};

export function JobTable({ jobs, showTenant = true }: { jobs: Job[]; showTenant?: boolean }) {
  return (
    <table class="jobs">
      <thead>
        <tr>
          <th>Job</th>
          <th>Status</th>
          {showTenant ? <th>Tenant</th> : null}
          <th>Flow</th>
          <th>Source → target</th>
          <th>Started</th>
          <th class="num">Took</th>
          <th class="num">Records</th>
          <th>Error</th>
        </tr>
      </thead>
      <tbody>
        {jobs.map((j) => (
          <tr key={j.job_id}>
            <td>
              <a class="mono" href={jobHref(j)}>
                {j.job_id}
              </a>
            </td>
            <td>
              <Badge status={j.status} />
            </td>
            {showTenant ? <td>{j.tenant}</td> : null}
            <td>{j.flow_id}</td>
            <td class="muted">
              {j.tap ?? j.connector_id ?? '—'} → {j.target ?? '—'}
            </td>
            <td>{when(j.start_time)}</td>
            <td class="num">{duration(took(j))}</td>
            <td class="num">{count(records(j))}</td>
            <td class="muted">{j.error ? j.error.slice(0, 90) : ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * Every job of the environment, newest first, filtered and paged by the server (`GET /{env}/jobs`):
 * 50 at a time, whatever the total. The newest page refreshes itself every 5 s (live updates).
 */
export function JobsPage({ query }: { query: URLSearchParams }) {
  const { api } = useApi();
  const filters = filtersOf(query);
  const key = JSON.stringify(filters);
  const jobs = useLoad(
    () =>
      api.call('get', '/{env}/jobs', { query: { ...filters, job_type: filters.job_type as 'read' | 'write' | undefined, limit: PAGE } }),
    [key],
    filters.before ? undefined : 5_000,
  );
  const flows = useLoad(() => api.call('get', '/{env}/flows'), []);
  useEffect(() => {
    if (jobs.data && jobs.data.length > 0) performance.mark('sinew:jobs-listed');
  }, [jobs.data]);
  const list = jobs.data ?? [];
  return (
    <div>
      <h1>Jobs</h1>
      <JobFilterBar filters={filters} flows={(flows.data ?? []).map((f) => f.flow_id)} />
      <ErrorNote error={jobs.error} />
      <Loading when={!jobs.data && jobs.loading} />
      {jobs.data && list.length === 0 ? <p class="muted">No job matches.</p> : null}
      {list.length > 0 ? (
        <div class="card">
          <JobTable jobs={list} />
        </div>
      ) : null}
      <nav class="pager" aria-label="Pages of jobs">
        {filters.before ? (
          <button type="button" onClick={() => navigate(href(['jobs'], { ...filters, before: undefined }))}>
            Newest
          </button>
        ) : (
          <span class="muted">{jobs.data ? 'Newest first · updates live' : ''}</span>
        )}
        {list.length === PAGE ? (
          <button type="button" onClick={() => navigate(href(['jobs'], { ...filters, before: list[list.length - 1]!.job_id }))}>
            Older jobs
          </button>
        ) : null}
      </nav>
    </div>
  );
}

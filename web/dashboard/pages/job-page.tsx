import { isTerminal } from '../../../src/model/job-phases.js';
import { useApi } from '../api-context.js';
import { count, duration, kib, when } from '../format.js';
import { href, navigate } from '../hash-route.js';
import { phaseTimes, timeline } from '../job-phase-times.js';
import { ActionButton, Badge, ErrorNote, Facts, Loading, Section } from '../ui.js';
import { useLoad } from '../use-load.js';
import { ExportResults } from './export-results.js';
import { JobLogs } from './job-logs.js';
import { type Job, jobHref } from './jobs-page.js';

function RecordsPerStream({ job }: { job: Job }) {
  const r = job.metrics?.records;
  const counts = job.metrics?.recordCount ?? {};
  const streams = [
    ...new Set([
      ...Object.keys(counts),
      ...Object.keys(r?.synced ?? {}),
      ...Object.keys(r?.after_etl ?? {}),
      ...Object.keys(r?.exported ?? {}),
    ]),
  ].sort();
  if (streams.length === 0) return <p class="muted">No records yet.</p>;
  const cell = (m: Record<string, number> | undefined, s: string) => <td class="num">{m?.[s] === undefined ? '—' : count(m[s]!)}</td>;
  return (
    <table aria-label="Records per stream">
      <thead>
        <tr>
          <th>Stream</th>
          <th class="num">Synced</th>
          <th class="num">After ETL</th>
          <th class="num">Exported</th>
        </tr>
      </thead>
      <tbody>
        {streams.map((s) => (
          <tr key={s}>
            <td>{s}</td>
            {cell(r?.synced ?? counts, s)}
            {cell(r?.after_etl, s)}
            {cell(r?.exported, s)}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Timing({ job }: { job: Job }) {
  const stamps = job.status_timestamp ?? {};
  const first = stamps.JOB_CREATED;
  return (
    <>
      <ol class="timeline" aria-label="Status timeline">
        {timeline(stamps).map((t) => (
          <li key={t.status}>
            <Badge status={t.status} />
            <span class="muted">{first === undefined ? when(t.at) : `+${duration(t.at - first)}`}</span>
          </li>
        ))}
      </ol>
      <h3>Phase durations</h3>
      <table aria-label="Phase durations">
        <tbody>
          {phaseTimes(job.status, stamps).map((p) => (
            <tr key={p.phase}>
              <td>{p.phase}</td>
              <td class="num">{duration(p.ms)}</td>
              <td class="muted">{p.open ? 'running' : p.outcome}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** The body that runs the job again as it was asked for (v1 by tap, v2 by connector and type); null for a write job, whose records came with its request. */
function rerun(job: Job): { v2: boolean; body: Record<string, unknown> } | null {
  if (job.tap === 'api') return null;
  const common = job.streaming_job ? { streaming_job: true } : {};
  if (job.connector_id && job.job_type) return { v2: true, body: { ...common, connector_id: job.connector_id, job_type: job.job_type } };
  return { v2: false, body: { ...common, ...(job.tap ? { tap: job.tap } : {}) } };
}

/** One job: what it is, where it is, how long each phase took, what it moved, its logs and results; cancel or run it again. */
export function JobPage({ flow, tenant, jobId }: { flow: string; tenant: string; jobId: string }) {
  const { api } = useApi();
  const path = { flow, tenant, job_id: jobId };
  // A running job is re-read every 2 s until it ends.
  const loaded = useLoad(
    () => api.call('get', '/{env}/{flow}/{tenant}/jobs/{job_id}', { path }),
    [jobId],
    (job) => (job && !isTerminal(job.status) ? 2_000 : undefined),
  );
  // Only this job's data: after "run again" the previous job's answer may still be loaded for a moment.
  const current = loaded.data?.job_id === jobId ? loaded.data : undefined;
  const running = current ? !isTerminal(current.status) : false;
  const again = current ? rerun(current) : null;
  return (
    <div>
      <p>
        <a href={href(['jobs'])}>← Jobs</a>
      </p>
      <h1>
        Job <span class="mono">{jobId}</span> {current ? <Badge status={current.status} /> : null}
      </h1>
      <ErrorNote error={loaded.error} />
      <Loading when={!current && loaded.loading} />
      {current ? (
        <div class="stack">
          <Section
            title="Summary"
            actions={
              <>
                {!isTerminal(current.status) ? (
                  <ActionButton
                    label="Cancel job"
                    kind="danger"
                    confirm="Cancel this job?"
                    run={async () => {
                      await api.call('post', '/{env}/{flow}/{tenant}/jobs/{job_id}/cancel', { path });
                      loaded.reload();
                    }}
                  />
                ) : null}
                {again ? (
                  <ActionButton
                    label="Run again"
                    kind="primary"
                    run={async () => {
                      const created = again.v2
                        ? await api.call('post', '/v2/{env}/{flow}/{tenant}/jobs', { path: { flow, tenant }, body: again.body })
                        : await api.call('post', '/{env}/{flow}/{tenant}/jobs', { path: { flow, tenant }, body: again.body });
                      navigate(jobHref(created));
                    }}
                  />
                ) : null}
              </>
            }
          >
            {current.error ? (
              <p class="error" role="alert" aria-label="Job error">
                {current.error}
              </p>
            ) : null}
            <Facts
              rows={[
                ['Tenant', <a href={href(['tenants', current.tenant])}>{current.tenant}</a>],
                ['Flow', current.flow_id],
                ['Job name', current.job_name ?? '—'],
                ['Source', current.tap ?? current.connector_id ?? '—'],
                ['Target', current.target ?? '—'],
                ['Type', `${current.job_type ?? 'read'}${current.streaming_job ? ', streaming' : ''}`],
                ['Sync type', <output aria-label="Sync type">{current.sync_type ?? '—'}</output>],
                ['Started by', `${current.started_by ?? '—'}${current.scheduled_job ? ' (schedule)' : ''}`],
                ['Started', when(current.start_time)],
                ['Last update', when(current.last_updated)],
                ['Storage root', <span class="mono">{current.s3_root}</span>],
                ['Memory', current.resources_usage?.memoryUsage ? `${current.resources_usage.memoryUsage} MiB` : '—'],
              ]}
            />
            {current.message ? <p class="muted">{current.message}</p> : null}
          </Section>
          <div class="grid2">
            <Section title="Status timeline">
              <Timing job={current} />
            </Section>
            <Section title="Records and sizes">
              <RecordsPerStream job={current} />
              <h3>Data sizes</h3>
              <Facts
                rows={[
                  ['Sync output', kib(current.data_sizes?.sync_output)],
                  ['ETL output', kib(current.data_sizes?.etl_output)],
                  ['Snapshots', kib(current.data_sizes?.snapshots)],
                  ['Total', kib(current.data_sizes?.total)],
                ]}
              />
            </Section>
          </div>
          <JobLogs path={path} running={running} />
          <ExportResults path={path} />
        </div>
      ) : null}
    </div>
  );
}

import { useEffect, useState } from 'preact/hooks';
import { linkNames, messageOf, useWidget } from '../context.js';
import type { ConnectorView, FlowView, JobView } from '../tenant-api.js';

const ENDED = new Set(['JOB_COMPLETED', 'SYNC_FAILED', 'ETL_FAILED', 'EXPORT_FAILED', 'DISCOVER_FAILED', 'JOB_CANCELLED']);
const label = (status: string): { text: string; cls: string } => {
  if (status === 'JOB_COMPLETED') return { text: 'Completed', cls: 'sw-ok' };
  if (status.endsWith('_FAILED')) return { text: 'Failed', cls: 'sw-bad' };
  if (status === 'JOB_CANCELLED') return { text: 'Cancelled', cls: '' };
  if (status === 'JOB_CREATED') return { text: 'Queued', cls: 'sw-run' };
  return { text: 'Running', cls: 'sw-run' };
};
const records = (j: JobView): number => Object.values(j.metrics?.recordCount ?? {}).reduce((a, b) => a + b, 0);

/** Recent syncs with live status (polled while one runs), and "Sync now". */
export function JobList({ flow, connector }: { flow: FlowView; connector: ConnectorView }) {
  const { api, emit } = useWidget();
  const [jobs, setJobs] = useState<JobView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const running = jobs?.some((j) => !ENDED.has(j.status)) ?? false;

  useEffect(() => {
    let live = true;
    api.jobs(flow, connector.id).then(
      (j) => live && setJobs(j),
      (e) => live && setError(messageOf(e)),
    );
    return () => {
      live = false;
    };
  }, [tick]);
  // Faster while a sync runs, so its status is live; slower otherwise (a schedule may start one).
  useEffect(() => {
    const timer = setTimeout(() => setTick((t) => t + 1), running ? 1000 : 5000);
    return () => clearTimeout(timer);
  }, [jobs]);

  const syncNow = async (): Promise<void> => {
    setError(null);
    try {
      const job = await api.runJob(flow, connector.id);
      emit('job:start', { ...linkNames(api, flow.flow_id, connector.id), job_id: job.job_id });
      setTick((t) => t + 1);
    } catch (e) {
      setError(messageOf(e));
    }
  };

  return (
    <div>
      <div class="sw-row" style={{ marginBottom: '12px' }}>
        <button class="sw-btn" type="button" onClick={syncNow} disabled={running}>
          {running ? 'Syncing…' : 'Sync now'}
        </button>
      </div>
      {error ? (
        <p class="sw-alert" role="alert">
          {error}
        </p>
      ) : null}
      {jobs === null ? (
        <p aria-busy="true">Loading…</p>
      ) : jobs.length === 0 ? (
        <p class="sw-muted">No syncs yet.</p>
      ) : (
        <table class="sw-jobs" aria-live="polite">
          <caption class="sw-sr">Recent syncs</caption>
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Status</th>
              <th scope="col">Records</th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((j) => {
              const l = label(j.status);
              return (
                <tr key={j.job_id} data-job={j.job_id} data-status={j.status}>
                  <td>{j.start_time ? new Date(j.start_time).toLocaleString() : '—'}</td>
                  <td>
                    <span class={`sw-badge ${l.cls}`}>{l.text}</span>
                  </td>
                  <td>{ENDED.has(j.status) ? records(j) : '…'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

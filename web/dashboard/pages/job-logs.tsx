import { useEffect, useRef, useState } from 'preact/hooks';
import { useApi } from '../api-context.js';
import { ErrorNote, Section } from '../ui.js';
import { useLoad } from '../use-load.js';

/**
 * A job's logs, every step in phase order (job, tap, etl, target; `==> name <==` between them), as
 * the API serves them. Follow re-reads them every 2 s and keeps the view at the end.
 */
export function JobLogs({ path, running }: { path: { flow: string; tenant: string; job_id: string }; running: boolean }) {
  const { api } = useApi();
  const [follow, setFollow] = useState(running);
  const logs = useLoad(
    () => api.call('get', '/{env}/{flow}/{tenant}/jobs/{job_id}/logs', { path }),
    [path.job_id],
    follow ? 2_000 : undefined,
  );
  const box = useRef<HTMLElement>(null);
  useEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [logs.data, follow]);
  const text = typeof logs.data === 'string' ? logs.data : '';
  const sections = [...text.matchAll(/^==> (\S+) <==$/gm)].map((m) => m[1]);
  return (
    <Section
      title="Logs"
      actions={
        <>
          <span class="muted">{sections.length > 0 ? `steps: ${sections.join(', ')}` : ''}</span>
          <label class="check">
            <input type="checkbox" checked={follow} onChange={(e) => setFollow((e.target as HTMLInputElement).checked)} /> Follow
          </label>
          <button type="button" onClick={logs.reload}>
            Refresh
          </button>
        </>
      }
    >
      <ErrorNote error={logs.error} />
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be focusable so keyboard users can scroll it (WCAG 2.1.1; not every browser makes scrollers focusable) */}
      <section class="logs" ref={box} tabIndex={0} aria-label="Job logs">
        {text || (logs.loading ? 'Loading…' : 'No log yet.')}
      </section>
    </Section>
  );
}

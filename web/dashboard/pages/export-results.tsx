import { useState } from 'preact/hooks';
import { useApi } from '../api-context.js';
import { count } from '../format.js';
import { ErrorNote, Section } from '../ui.js';
import { useLoad } from '../use-load.js';

const PAGE = 25;
const show = (v: unknown) => (v === undefined || v === null ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

/** A write job's per-record results (Export Details): the summary per stream, then the records a page at a time. */
export function ExportResults({ path }: { path: { flow: string; tenant: string; job_id: string } }) {
  const { api } = useApi();
  const [offset, setOffset] = useState(0);
  const [status, setStatus] = useState<'' | 'success' | 'failure'>('');
  const page = useLoad(
    () =>
      api.call('get', '/{env}/{flow}/{tenant}/jobs/{job_id}/export', {
        path,
        query: { limit: PAGE, offset, ...(status ? { status } : {}) },
      }),
    [path.job_id, offset, status],
  );
  if (page.error?.status === 404) return null;
  const data = page.data;
  const streams = Object.entries(data?.summary ?? {});
  if (data && streams.length === 0 && data.results.length === 0) return null;
  return (
    <Section title="Export results">
      <ErrorNote error={page.error} />
      {streams.length > 0 ? (
        <table aria-label="Export summary">
          <thead>
            <tr>
              <th>Stream</th>
              <th class="num">Success</th>
              <th class="num">Failed</th>
              <th class="num">Existing</th>
              <th class="num">Updated</th>
            </tr>
          </thead>
          <tbody>
            {streams.map(([s, v]) => (
              <tr key={s}>
                <td>{s}</td>
                <td class="num">{count(v.success ?? 0)}</td>
                <td class="num">{count(v.fail ?? 0)}</td>
                <td class="num">{count(v.existing ?? 0)}</td>
                <td class="num">{count(v.updated ?? 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <div class="filters" style="margin-top:12px">
        <label>
          Records
          <select
            value={status}
            onChange={(e) => {
              setStatus((e.target as HTMLSelectElement).value as typeof status);
              setOffset(0);
            }}
          >
            <option value="">All</option>
            <option value="success">Succeeded</option>
            <option value="failure">Failed</option>
          </select>
        </label>
      </div>
      <table aria-label="Per-record results">
        <thead>
          <tr>
            <th>External id</th>
            <th>Id</th>
            <th>Result</th>
            <th>Error</th>
          </tr>
        </thead>
        <tbody>
          {(data?.results ?? []).map((r, i) => (
            <tr key={offset + i}>
              <td class="mono">{show(r.externalId)}</td>
              <td class="mono">{show(r.id)}</td>
              <td>{r.success ? (r.existing ? 'existing' : r.updated ? 'updated' : 'success') : 'failed'}</td>
              <td class="muted">{r.error === undefined || r.error === null ? '' : show(r.error)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav class="pager" aria-label="Pages of export results">
        <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
          Previous
        </button>
        <span class="muted">
          {data && data.results.length > 0 ? `records ${offset + 1}–${offset + data.results.length}` : 'no records'}
        </span>
        <button
          type="button"
          disabled={!data || data.next_offset === null}
          onClick={() => data?.next_offset != null && setOffset(data.next_offset)}
        >
          Next
        </button>
      </nav>
    </Section>
  );
}

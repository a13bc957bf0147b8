import { useEffect, useState } from 'preact/hooks';
import { FAILURE_STATUSES, isTerminal, JOB_STATUSES } from '../../../src/model/job-phases.js';
import { href, navigate } from '../hash-route.js';

/** The filters of the jobs list, kept in the fragment's query so a filtered list is a link. */
export const FILTER_NAMES = ['status', 'flow_id', 'tenant_id', 'job_type', 'created_after', 'created_before'] as const;
export type JobFilters = Partial<Record<(typeof FILTER_NAMES)[number] | 'before', string>>;

/** Status groups first (what a person looks for), then each status. */
export const STATUS_CHOICES: [string, string][] = [
  ['', 'Any status'],
  [[...FAILURE_STATUSES].join(','), 'Failed (any phase)'],
  [JOB_STATUSES.filter((s) => !isTerminal(s)).join(','), 'Running or queued'],
  ...JOB_STATUSES.map((s): [string, string] => [s, s]),
];

export function filtersOf(query: URLSearchParams): JobFilters {
  const out: JobFilters = {};
  for (const name of [...FILTER_NAMES, 'before'] as const) {
    const v = query.get(name);
    if (v) out[name] = v;
  }
  return out;
}

/** `datetime-local` value ↔ ISO instant (the API's created_after/before). */
const toLocal = (iso: string | undefined) =>
  iso ? new Date(Date.parse(iso) - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 16) : '';
const fromLocal = (local: string) => (local ? new Date(local).toISOString() : undefined);

/**
 * A typed filter, applied on change (Enter or leaving the field). What is typed is the field's own
 * until then: another filter's change re-renders the bar, and a field bound to the URL's value
 * would wipe text typed while that navigation was landing.
 */
function TextFilter({
  label,
  value,
  placeholder,
  onCommit,
}: {
  label: string;
  value: string;
  placeholder: string;
  onCommit(v: string): void;
}) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  return (
    <label>
      {label}
      <input
        type="search"
        placeholder={placeholder}
        value={draft}
        onInput={(e) => setDraft((e.target as HTMLInputElement).value)}
        onChange={(e) => onCommit((e.target as HTMLInputElement).value.trim())}
      />
    </label>
  );
}

export function JobFilterBar({ filters, flows }: { filters: JobFilters; flows: string[] }) {
  // Any change starts again from the newest page.
  const set = (name: keyof JobFilters, value: string | undefined) =>
    navigate(href(['jobs'], { ...filters, before: undefined, [name]: value }));
  return (
    <search aria-label="Filter jobs">
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Status
          <select value={filters.status ?? ''} onChange={(e) => set('status', (e.target as HTMLSelectElement).value)}>
            {STATUS_CHOICES.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label>
          Flow
          <select value={filters.flow_id ?? ''} onChange={(e) => set('flow_id', (e.target as HTMLSelectElement).value)}>
            <option value="">Any flow</option>
            {flows.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        </label>
        <TextFilter label="Tenant" value={filters.tenant_id ?? ''} placeholder="tenant id" onCommit={(v) => set('tenant_id', v)} />
        <label>
          Type
          <select value={filters.job_type ?? ''} onChange={(e) => set('job_type', (e.target as HTMLSelectElement).value)}>
            <option value="">Read and write</option>
            <option value="read">Read</option>
            <option value="write">Write</option>
          </select>
        </label>
        <label>
          Created after
          <input
            type="datetime-local"
            value={toLocal(filters.created_after)}
            onChange={(e) => set('created_after', fromLocal((e.target as HTMLInputElement).value))}
          />
        </label>
        <label>
          Created before
          <input
            type="datetime-local"
            value={toLocal(filters.created_before)}
            onChange={(e) => set('created_before', fromLocal((e.target as HTMLInputElement).value))}
          />
        </label>
        {Object.keys(filters).length > 0 ? (
          <button type="button" onClick={() => navigate(href(['jobs']))}>
            Clear filters
          </button>
        ) : null}
      </form>
    </search>
  );
}

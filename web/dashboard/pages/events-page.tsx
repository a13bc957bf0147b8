import { useApi } from '../api-context.js';
import { when } from '../format.js';
import { href, navigate } from '../hash-route.js';
import { ActionButton, Badge, ErrorNote, Json, Loading, Section } from '../ui.js';
import { useLoad } from '../use-load.js';

const KINDS = ['job_lifecycle', 'discover', 'connection'] as const;
const STATUSES = ['pending', 'delivering', 'delivered', 'failed', 'no_destination'] as const;
type Kind = (typeof KINDS)[number];
type Status = (typeof STATUSES)[number];

/** One event: each destination's delivery with every attempt, and redeliver (all, or one destination). */
function EventDetail({ id }: { id: string }) {
  const { api } = useApi();
  const detail = useLoad(
    () => api.call('get', '/{env}/events/{event_id}', { path: { event_id: id } }),
    [id],
    (d) => (d && (d.status === 'pending' || d.status === 'delivering') ? 2_000 : undefined),
  );
  const e = detail.data;
  const redeliver = async (destination?: 'webhook' | 'datadog' | 'slack') => {
    await api.call('post', '/{env}/events/{event_id}/redeliver', { path: { event_id: id }, query: destination ? { destination } : {} });
    detail.reload();
  };
  return (
    <Section title={`Event ${id}`} actions={<ActionButton label="Redeliver" kind="primary" run={() => redeliver()} />}>
      <ErrorNote error={detail.error} />
      {e ? (
        <>
          <p>
            <Badge status={e.status} />{' '}
            <span class="muted">
              {e.kind} · {when(e.created_at)}
            </span>
          </p>
          {e.deliveries.length === 0 ? <p class="muted">No destination is set for this kind of event (Settings → monitoring).</p> : null}
          {e.deliveries.map((d) => (
            <fieldset class="delivery" key={d.destination} aria-label={`Delivery to ${d.destination}`}>
              <h3>
                {d.destination} <Badge status={d.status ?? 'pending'} /> <span class="muted">{d.attempt_count ?? 0} attempts</span>{' '}
                <ActionButton
                  label={`Redeliver to ${d.destination}`}
                  run={() => redeliver(d.destination as 'webhook' | 'datadog' | 'slack')}
                />
              </h3>
              {d.last_error ? <p class="muted">Last error: {d.last_error}</p> : null}
              <table aria-label={`Attempts to ${d.destination}`}>
                <thead>
                  <tr>
                    <th>When</th>
                    <th>Outcome</th>
                    <th class="num">HTTP</th>
                    <th class="num">Latency</th>
                    <th>Response or error</th>
                  </tr>
                </thead>
                <tbody>
                  {(d.attempts ?? []).map((a, i) => (
                    <tr key={i} class="attempt">
                      <td>{when(a.attempted_at)}</td>
                      <td>
                        <Badge
                          status={a.outcome === 'delivered' ? 'delivered' : a.outcome === 'retry' ? 'pending' : (a.outcome ?? 'pending')}
                        />
                      </td>
                      <td class="num">{a.status_code ?? '—'}</td>
                      <td class="num">{a.latency_ms === undefined ? '—' : `${Math.round(a.latency_ms)} ms`}</td>
                      <td class="muted mono">{a.error ?? a.response_excerpt ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </fieldset>
          ))}
          <h3>Payload</h3>
          <Json value={e.payload} label="Event payload" />
        </>
      ) : null}
    </Section>
  );
}

/** The environment's events, newest first, filtered by kind and delivery status; one opens beside the list. */
export function EventsPage({ query }: { query: URLSearchParams }) {
  const { api } = useApi();
  const kind = (query.get('kind') ?? '') as Kind | '';
  const status = (query.get('status') ?? '') as Status | '';
  const open = query.get('event') ?? '';
  const events = useLoad(
    () => api.call('get', '/{env}/events', { query: { limit: 50, ...(kind ? { kind } : {}), ...(status ? { status } : {}) } }),
    [kind, status],
    5_000,
  );
  const go = (q: Record<string, string | undefined>) => navigate(href(['events'], { kind, status, event: open, ...q }));
  return (
    <div>
      <h1>Events</h1>
      <search aria-label="Filter events">
        <form class="filters" onSubmit={(e) => e.preventDefault()}>
          <label>
            Kind
            <select value={kind} onChange={(e) => go({ kind: (e.target as HTMLSelectElement).value })}>
              <option value="">Any kind</option>
              {KINDS.map((k) => (
                <option key={k}>{k}</option>
              ))}
            </select>
          </label>
          <label>
            Delivery
            <select value={status} onChange={(e) => go({ status: (e.target as HTMLSelectElement).value })}>
              <option value="">Any status</option>
              {STATUSES.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
        </form>
      </search>
      <ErrorNote error={events.error} />
      <Loading when={!events.data && events.loading} />
      <div class="grid2">
        <div class="card">
          <table aria-label="Events">
            <thead>
              <tr>
                <th>Event</th>
                <th>Kind</th>
                <th>Status</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {(events.data ?? []).map((e) => (
                <tr key={e.event_id} aria-selected={e.event_id === open}>
                  <td>
                    <a class="mono" href={href(['events'], { kind, status, event: e.event_id })}>
                      {String((e.payload as { status?: unknown }).status ?? e.event_id)}
                    </a>
                    <div class="muted">{String((e.payload as { tenant?: unknown }).tenant ?? '')}</div>
                  </td>
                  <td>{e.kind}</td>
                  <td>
                    <Badge status={e.status} />
                  </td>
                  <td class="muted">{when(e.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {events.data && events.data.length === 0 ? <p class="muted">No events.</p> : null}
        </div>
        {open ? <EventDetail id={open} /> : <p class="muted">Choose an event to see its deliveries and attempts.</p>}
      </div>
    </div>
  );
}

import { useApi } from '../api-context.js';
import { when } from '../format.js';
import { type LinkRef, linkCalls } from '../link-calls.js';
import { Badge, ErrorNote, Facts, Section } from '../ui.js';
import { useLoad } from '../use-load.js';
import { LinkState } from './link-state.js';

/** One link of a tenant: its connector, health (why it is invalid), schedule and incremental state. */
export function LinkPanel({ link }: { link: LinkRef }) {
  const { api } = useApi();
  const calls = linkCalls(api, link);
  const deps = [link.flow, link.tenant, link.role, link.connector];
  const view = useLoad(() => calls.get(), deps);
  // No schedule is a 404: shown as "none", not as an error.
  const schedule = useLoad(() => calls.schedule().catch((e: { status?: number }) => (e.status === 404 ? null : Promise.reject(e))), deps);
  const health = view.data?.health;
  const s = schedule.data;
  return (
    <Section title={`${link.flow} · ${link.role} ${link.connector}`}>
      <ErrorNote error={view.error} />
      <Facts
        rows={[
          [
            'Health',
            health ? (
              <span>
                <Badge status={health.status} /> {health.reason?.message ?? ''}
              </span>
            ) : (
              '—'
            ),
          ],
          ['Linked', when(view.data?.created_at)],
          ['Updated', when(view.data?.updated_at)],
          ['Schedule', s ? `${s.schedule_expression} (${s.state})` : schedule.loading ? '…' : 'none'],
          ['Next run', s ? when(s.next_run) : '—'],
          ['Last run', s ? `${when(s.last_fired_at)} ${s.last_outcome ?? ''}` : '—'],
        ]}
      />
      <ErrorNote error={schedule.error} />
      <LinkState link={link} />
    </Section>
  );
}

import type { Answer, Operation } from '../../../src/contract/api-operations.js';
import { FAILURE_STATUSES, JOB_STATUSES } from '../../../src/model/job-phases.js';
import { useApi } from '../api-context.js';
import { BarChart } from '../charts/bar-chart.js';
import { PointChart } from '../charts/point-chart.js';
import { count, duration, percent, statusTone, when } from '../format.js';
import { href } from '../hash-route.js';
import { Badge, ErrorNote, Loading, Section } from '../ui.js';
import { useLoad } from '../use-load.js';

type Overview = Answer<Operation<'/{env}/jobs/overview', 'get'>>;
type Window = Overview['last_24h'];

const FAILED = [...FAILURE_STATUSES].join(',');

function Tiles({ day, week }: { day: Window; week: Window }) {
  const tile = (n: string, l: string, to?: string) => (
    <div class="tile">
      <div class="n">{to ? <a href={to}>{n}</a> : n}</div>
      <div class="l">{l}</div>
    </div>
  );
  return (
    <div class="tiles">
      {tile(count(day.total), 'jobs, last 24 hours')}
      {tile(count(day.failed), 'failed, last 24 hours', href(['jobs'], { status: FAILED }))}
      {tile(percent(day.failure_rate), 'failure rate, 24 hours')}
      {tile(count(week.total), 'jobs, last 7 days')}
      {tile(percent(week.failure_rate), 'failure rate, 7 days')}
    </div>
  );
}

function StatusTable({ day, week }: { day: Window; week: Window }) {
  const shown = JOB_STATUSES.filter((s) => (week.by_status[s] ?? 0) > 0);
  return (
    <Section title="Jobs by status">
      {shown.length === 0 ? (
        <p class="muted">No jobs in the last 7 days.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Status</th>
              <th class="num">Last 24 hours</th>
              <th class="num">Last 7 days</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((s) => (
              <tr key={s}>
                <td>
                  <a href={href(['jobs'], { status: s })}>
                    <Badge status={s} />
                  </a>
                </td>
                <td class="num">{count(day.by_status[s] ?? 0)}</td>
                <td class="num">{count(week.by_status[s] ?? 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

type LinkRow = { flow_id: string; tenant: string; role: string; connector_id: string };
const linkCell = (l: LinkRow) => (
  <td>
    <a href={href(['tenants', l.tenant])}>{l.tenant}</a>{' '}
    <span class="muted">
      · {l.flow_id} · {l.connector_id}
    </span>
  </td>
);

function Links({ o }: { o: Overview }) {
  return (
    <div class="grid2">
      <Section title="Failing links (7 days)">
        {o.failing_links.length === 0 ? (
          <p class="muted">No failed jobs.</p>
        ) : (
          <table>
            <tbody>
              {o.failing_links.map((l) => (
                <tr key={`${l.flow_id}/${l.tenant}/${l.connector_id}`}>
                  {linkCell(l)}
                  <td class="num">
                    <a href={href(['jobs'], { status: FAILED, tenant_id: l.tenant, flow_id: l.flow_id })}>{count(l.failed)} failed</a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      <Section title="Slowest links">
        {o.slowest_links.length === 0 ? (
          <p class="muted">No finished jobs.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Link</th>
                <th class="num">Average</th>
                <th class="num">Longest</th>
                <th class="num">Jobs</th>
              </tr>
            </thead>
            <tbody>
              {o.slowest_links.map((l) => (
                <tr key={`${l.flow_id}/${l.tenant}/${l.connector_id}`}>
                  {linkCell(l)}
                  <td class="num">{duration(l.average_ms)}</td>
                  <td class="num">{duration(l.max_ms)}</td>
                  <td class="num">{l.jobs}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      <Section title="Links with invalid credentials">
        {o.invalid_links.length === 0 ? (
          <p class="muted">Every link's health is ok or not yet known.</p>
        ) : (
          <table>
            <tbody>
              {o.invalid_links.map((l) => (
                <tr key={`${l.flow_id}/${l.tenant}/${l.connector_id}`}>
                  {linkCell(l)}
                  <td>
                    <Badge status={l.health.status} /> {l.health.reason?.message ?? ''}{' '}
                    <span class="muted">since {when(l.health.since)}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
    </div>
  );
}

function Charts({ o }: { o: Overview }) {
  const points = (value: (j: Overview['recent_jobs'][number]) => number, fmt: (v: number) => string) =>
    o.recent_jobs.map((j) => ({
      at: Date.parse(j.start_time),
      value: value(j),
      tone: statusTone(j.status),
      label: `${j.job_id} (${j.tenant}): ${fmt(value(j))}, ${j.status}`,
    }));
  return (
    <div class="grid2">
      <Section title="Failures per day">
        <BarChart
          summary={`Jobs per day, last 7 days: ${o.per_day.map((d) => `${d.day} ${d.failed} failed of ${d.total}`).join('; ')}`}
          bars={o.per_day.map((d) => ({
            label: d.day.slice(5),
            parts: [
              { name: 'succeeded or other', value: d.total - d.failed, tone: 'ok' },
              { name: 'failed', value: d.failed, tone: 'bad' },
            ],
          }))}
        />
        <div class="legend">
          <span>
            <i style="background:#4c8bf5" />
            other jobs
          </span>
          <span>
            <i style="background:#c23b32" />
            failed
          </span>
        </div>
      </Section>
      <Section title="Job durations">
        {o.recent_jobs.length === 0 ? (
          <p class="muted">No finished jobs.</p>
        ) : (
          <PointChart
            summary={`Durations of the last ${o.recent_jobs.length} finished jobs`}
            points={points((j) => j.duration_ms, duration)}
            format={duration}
          />
        )}
      </Section>
      <Section title="Records per job">
        {o.recent_jobs.length === 0 ? (
          <p class="muted">No finished jobs.</p>
        ) : (
          <PointChart
            summary={`Records of the last ${o.recent_jobs.length} finished jobs`}
            points={points((j) => j.records, count)}
            format={count}
          />
        )}
      </Section>
    </div>
  );
}

/** What is failing and why, at a glance: one call to the overview aggregate, refreshed every 15 s. */
export function OverviewPage() {
  const { api } = useApi();
  const o = useLoad(() => api.call('get', '/{env}/jobs/overview'), [], 15_000);
  return (
    <div>
      <h1>Overview</h1>
      <ErrorNote error={o.error} />
      <Loading when={!o.data && o.loading} />
      {o.data ? (
        <div class="stack">
          <Tiles day={o.data.last_24h} week={o.data.last_7d} />
          <StatusTable day={o.data.last_24h} week={o.data.last_7d} />
          <Charts o={o.data} />
          <Links o={o.data} />
        </div>
      ) : null}
    </div>
  );
}

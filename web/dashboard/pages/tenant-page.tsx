import { useApi } from '../api-context.js';
import { when } from '../format.js';
import { href } from '../hash-route.js';
import { ErrorNote, Json, Loading, Section } from '../ui.js';
import { useLoad } from '../use-load.js';
import { JobTable } from './jobs-page.js';
import { LinkPanel } from './link-panel.js';

/** One tenant: its links (health, schedule, state), snapshots, tenant config and recent jobs. */
export function TenantPage({ tenant }: { tenant: string }) {
  const { api } = useApi();
  const flows = useLoad(() => api.call('get', '/{env}/flows/linked', { query: { tenant_id: tenant } }), [tenant]);
  const snapshots = useLoad(() => api.call('get', '/tenant/{env}/{tenant}/snapshots', { path: { tenant } }), [tenant]);
  const config = useLoad(() => api.call('get', '/tenant/{env}/{tenant}/config', { path: { tenant } }), [tenant]);
  const jobs = useLoad(() => api.call('get', '/{env}/jobs', { query: { tenant_id: tenant, limit: 10 } }), [tenant], 10_000);
  const links = (flows.data ?? []).flatMap((f) =>
    f.linked.map((l) => ({ flow: f.flow_id, tenant, role: l.role, connector: l.connector_id })),
  );
  return (
    <div>
      <p>
        <a href={href(['tenants'])}>← Tenants</a>
      </p>
      <h1>Tenant {tenant}</h1>
      <ErrorNote error={flows.error} />
      <Loading when={!flows.data && flows.loading} />
      <div class="stack">
        {flows.data && links.length === 0 ? <p class="muted">No links.</p> : null}
        {links.map((l) => (
          <LinkPanel key={`${l.flow}/${l.role}/${l.connector}`} link={l} />
        ))}
        <Section title="Recent jobs" actions={<a href={href(['jobs'], { tenant_id: tenant })}>All jobs of {tenant}</a>}>
          <ErrorNote error={jobs.error} />
          {jobs.data && jobs.data.length === 0 ? <p class="muted">No jobs.</p> : <JobTable jobs={jobs.data ?? []} showTenant={false} />}
        </Section>
        <div class="grid2">
          <Section title="Snapshots">
            <ErrorNote error={snapshots.error} />
            {snapshots.data && snapshots.data.length === 0 ? <p class="muted">No snapshots.</p> : null}
            <table>
              <tbody>
                {(snapshots.data ?? []).map((s) => (
                  <tr key={s.name}>
                    <td>{s.name}</td>
                    <td class="num">{(s.bytes / 1024).toFixed(1)} KiB</td>
                    <td class="muted">{when(s.updated_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Section>
          <Section title="Tenant config">
            <ErrorNote error={config.error?.status === 404 ? undefined : config.error} />
            <Json value={config.data ?? {}} label="tenant-config.json" />
          </Section>
        </div>
      </div>
    </div>
  );
}

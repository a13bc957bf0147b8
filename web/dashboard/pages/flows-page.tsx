import { useApi } from '../api-context.js';
import { ErrorNote, Facts, Json, Loading, Section } from '../ui.js';
import { useLoad } from '../use-load.js';
import { ConnectorsPanel } from './connectors-panel.js';

/** Flow definitions (connectors tenants may link, target, ETL, field map, job-setting overrides), then the connectors. */
export function FlowsPage() {
  const { api } = useApi();
  const flows = useLoad(() => api.call('get', '/{env}/flows'), []);
  return (
    <div>
      <h1>Flows and connectors</h1>
      <ErrorNote error={flows.error} />
      <Loading when={!flows.data && flows.loading} />
      {flows.data && flows.data.length === 0 ? (
        <p class="muted">
          No flows yet: PUT /{'{env}'}/flows/{'{flow}'} defines one.
        </p>
      ) : null}
      <div class="grid2">
        {(flows.data ?? []).map((f) => (
          <Section key={f.flow_id} title={`${f.name} (${f.flow_id})`}>
            <Facts
              rows={[
                ['Type', f.type],
                ['Connectors tenants may link', f.connectors.join(', ') || '—'],
                ['Target', f.target ? f.target.connector : '—'],
                ['ETL', f.etl?.script ?? f.etl?.command?.join(' ') ?? 'none (records pass through)'],
                ['Tenant overrides', f.tenant_overrides?.join(', ') || 'none'],
              ]}
            />
            {f.job_settings && Object.keys(f.job_settings).length > 0 ? (
              <>
                <h3>Job-setting overrides</h3>
                <Json value={f.job_settings} label={`Job settings of ${f.flow_id}`} />
              </>
            ) : null}
            {f.field_map ? (
              <>
                <h3>Default field map</h3>
                <Json value={f.field_map} label={`Field map of ${f.flow_id}`} />
              </>
            ) : null}
            {f.target?.config ? (
              <>
                <h3>Target config (secrets redacted)</h3>
                <Json value={f.target.config} label={`Target config of ${f.flow_id}`} />
              </>
            ) : null}
          </Section>
        ))}
      </div>
      <ConnectorsPanel />
    </div>
  );
}

import type { Answer, Operation } from '../../../src/contract/api-operations.js';
import { useApi } from '../api-context.js';
import { ErrorNote, Facts, Loading, Section } from '../ui.js';
import { useLoad } from '../use-load.js';
import { JobSettingsPanel } from './job-settings-panel.js';
import { KeysPanel } from './keys-panel.js';
import { MonitoringPanel } from './monitoring-panel.js';
import { RetentionPanel } from './retention-panel.js';

export type Settings = Answer<Operation<'/{env}/settings', 'get'>>;

/** The environment's settings in force (job settings, monitoring, retention, storage) and its keys. */
export function SettingsPage() {
  const { api } = useApi();
  const settings = useLoad(() => api.call('get', '/{env}/settings'), []);
  const s = settings.data;
  return (
    <div>
      <h1>Settings</h1>
      <ErrorNote error={settings.error} />
      <Loading when={!s && settings.loading} />
      {s ? (
        <div class="stack">
          <JobSettingsPanel settings={s} onSaved={settings.reload} />
          <MonitoringPanel settings={s} onSaved={settings.reload} />
          <RetentionPanel settings={s} onSaved={settings.reload} />
          <Section title="Storage">
            <Facts
              rows={[
                ['Where job files go', s.storage.type === 's3' ? 'the environment’s S3 bucket' : 'Sinew’s own storage'],
                ['Bucket', s.storage.bucket ?? '—'],
                ['Prefix', s.storage.prefix ?? '—'],
                ['Region', s.storage.region ?? '—'],
                ['Endpoint', s.storage.endpoint ?? '—'],
                ['Access key id', s.storage.access_key_id ?? '—'],
              ]}
            />
            <p class="muted">Storage is changed through PUT /{'{env}'}/settings (a job's files stay where they were written).</p>
          </Section>
          <KeysPanel />
        </div>
      ) : null}
    </div>
  );
}

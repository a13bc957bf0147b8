import { useState } from 'preact/hooks';
import { useApi } from '../api-context.js';
import { ActionButton, SavedNotice, Section } from '../ui.js';
import type { Settings } from './settings-page.js';

type JobSettings = Settings['job_settings'];

/** What each job setting does, in the words of the job-settings document (seed 000). */
const HELP: Record<string, string> = {
  force_full_sync: 'Every job reads everything, ignoring incremental state',
  force_discover: 'Every job refreshes the catalog first',
  trigger_job_on_link: 'Start a job when a tenant links',
  discover_on_link: 'Discover the catalog when a tenant links',
  rollback_on_failure: 'Undo what a failed write job wrote',
  default_schedule_on_link: 'Give new links the default schedule',
  save_snapshots_on_failure: 'Save snapshots even when jobs fail',
  save_record_ids_in_snapshots: 'Keep the record-id map in snapshots',
  job_timeout_seconds: 'A job running longer fails',
  etl_memory_mb: 'Memory limit of the ETL step',
  worker_loss_retries: 'Times a job is run again after its worker died',
  connector_log_head_mb: 'Connector log kept from the start',
  connector_log_tail_mb: 'Connector log kept from the end',
  default_schedule: 'Schedule given to new links (cron)',
};

/** Every job setting with its effective value (the default unless set), edited in place; only the changed ones are sent. */
export function JobSettingsPanel({ settings, onSaved }: { settings: Settings; onSaved(): void }) {
  const { api } = useApi();
  const [draft, setDraft] = useState<Record<string, unknown>>({});
  const [saved, setSaved] = useState('');
  const effective = settings.job_settings as Record<string, unknown>;
  const names = [...new Set([...Object.keys(HELP), ...Object.keys(effective)])].filter((n) => n in effective || n === 'default_schedule');
  const value = (n: string) => (n in draft ? draft[n] : effective[n]);
  const change = (n: string, v: unknown) => {
    setSaved('');
    setDraft({ ...draft, [n]: v });
  };
  const control = (n: string) => {
    const v = value(n);
    if (typeof effective[n] === 'boolean')
      return (
        <input type="checkbox" id={`js-${n}`} checked={v === true} onChange={(e) => change(n, (e.target as HTMLInputElement).checked)} />
      );
    if (typeof effective[n] === 'number')
      return (
        <input
          type="number"
          id={`js-${n}`}
          value={String(v)}
          min={0}
          onInput={(e) => change(n, Number((e.target as HTMLInputElement).value))}
        />
      );
    const cron = (v as JobSettings['default_schedule'])?.schedule_expression ?? '';
    return (
      <input
        id={`js-${n}`}
        value={cron}
        placeholder="none, e.g. 0 * * * *"
        onInput={(e) =>
          change(
            n,
            (e.target as HTMLInputElement).value.trim() ? { schedule_expression: (e.target as HTMLInputElement).value.trim() } : null,
          )
        }
      />
    );
  };
  return (
    <Section
      title="Job settings"
      actions={
        <ActionButton
          label="Save job settings"
          kind="primary"
          run={async () => {
            await api.call('put', '/{env}/settings', { body: { job_settings: draft as JobSettings } });
            setDraft({});
            setSaved('Job settings saved: the next job uses them.');
            onSaved();
          }}
        />
      }
    >
      <SavedNotice text={saved} />
      <table aria-label="Job settings">
        <thead>
          <tr>
            <th>Setting</th>
            <th>Value</th>
            <th>Source</th>
          </tr>
        </thead>
        <tbody>
          {names.map((n) => (
            <tr key={n}>
              <td>
                <label for={`js-${n}`} style="color:inherit;font-size:14px">
                  <span class="mono">{n}</span>
                  <span class="muted">{HELP[n] ?? ''}</span>
                </label>
              </td>
              <td>{control(n)}</td>
              <td class="muted">{n in draft ? 'changed' : settings.set.includes(`job_settings.${n}`) ? 'set' : 'default'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}

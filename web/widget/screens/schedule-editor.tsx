import { useEffect, useState } from 'preact/hooks';
import { linkNames, messageOf, useWidget } from '../context.js';
import type { ConnectorView, FlowView } from '../tenant-api.js';

/** The choices a tenant gets, each with how often it fires; those faster than the owner allows are left out. */
const PRESETS = [
  { label: 'Every 15 minutes', cron: '*/15 * * * *', minutes: 15 },
  { label: 'Every hour', cron: '0 * * * *', minutes: 60 },
  { label: 'Every 6 hours', cron: '0 */6 * * *', minutes: 360 },
  { label: 'Every day (00:00 UTC)', cron: '0 0 * * *', minutes: 1440 },
  { label: 'Every week (Sunday, 00:00 UTC)', cron: '0 0 * * 0', minutes: 10080 },
];
const CUSTOM = 'custom';

const bare = (expression: string): string => expression.replace(/^cron\((.*)\)$/, '$1').trim();

/** When the link syncs on its own, within the flow's shortest interval; Sinew checks the limit again. */
export function ScheduleEditor({ flow, connector }: { flow: FlowView; connector: ConnectorView }) {
  const { api, emit } = useWidget();
  const min = flow.tenant_limits.min_schedule_interval_minutes;
  const presets = PRESETS.filter((p) => p.minutes >= min);
  const [choice, setChoice] = useState<string>(presets[0]?.cron ?? CUSTOM);
  const [custom, setCustom] = useState('');
  const [enabled, setEnabled] = useState(true);
  const [status, setStatus] = useState<{ kind: 'ok' | 'error' | 'busy'; text: string } | null>({ kind: 'busy', text: 'Loading…' });

  useEffect(() => {
    api.schedule(flow, connector.id).then(
      (s) => {
        if (s) {
          const cron = bare(s.schedule_expression);
          if (presets.some((p) => p.cron === cron)) setChoice(cron);
          else {
            setChoice(CUSTOM);
            setCustom(cron);
          }
          setEnabled(s.state !== 'DISABLED');
        }
        setStatus(s ? null : { kind: 'ok', text: 'No schedule yet: this connection syncs only when asked.' });
      },
      (e) => setStatus({ kind: 'error', text: messageOf(e) }),
    );
  }, [flow.flow_id, connector.id]);

  const save = async (e: Event): Promise<void> => {
    e.preventDefault();
    const expression = choice === CUSTOM ? custom.trim() : choice;
    if (expression.split(/\s+/).length !== 5)
      return setStatus({ kind: 'error', text: 'A custom schedule is a 5-field cron expression in UTC, e.g. 30 2 * * *.' });
    setStatus({ kind: 'busy', text: 'Saving…' });
    try {
      const state = enabled ? 'ENABLED' : 'DISABLED';
      await api.setSchedule(flow, connector.id, expression, state);
      emit('schedule:save', { ...linkNames(api, flow.flow_id, connector.id), schedule_expression: expression, state });
      setStatus({ kind: 'ok', text: enabled ? 'Saved: syncs run on this schedule.' : 'Saved: the schedule is paused.' });
    } catch (err) {
      setStatus({ kind: 'error', text: messageOf(err) });
    }
  };

  return (
    <form onSubmit={save}>
      <div class="sw-field">
        <label for="sw-schedule">How often to sync</label>
        <select
          id="sw-schedule"
          value={choice}
          aria-describedby="sw-schedule-help"
          onChange={(e) => setChoice((e.target as HTMLSelectElement).value)}
        >
          {presets.map((p) => (
            <option key={p.cron} value={p.cron}>
              {p.label}
            </option>
          ))}
          <option value={CUSTOM}>Custom (cron)</option>
        </select>
        <span class="sw-help" id="sw-schedule-help">
          At most every {min} minutes.
        </span>
      </div>
      {choice === CUSTOM ? (
        <div class="sw-field">
          <label for="sw-cron">Cron expression (UTC)</label>
          <input
            id="sw-cron"
            type="text"
            value={custom}
            placeholder="30 2 * * *"
            onInput={(e) => setCustom((e.target as HTMLInputElement).value)}
          />
        </div>
      ) : null}
      <label class="sw-row" style={{ marginBottom: '14px' }}>
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled((e.target as HTMLInputElement).checked)} />
        Sync on this schedule
      </label>
      <button class="sw-btn" type="submit" disabled={status?.kind === 'busy'}>
        Save schedule
      </button>
      {status && status.kind !== 'busy' ? (
        <p
          class={status.kind === 'error' ? 'sw-alert' : 'sw-note'}
          role={status.kind === 'error' ? 'alert' : 'status'}
          style={{ marginTop: '12px' }}
        >
          {status.text}
        </p>
      ) : null}
    </form>
  );
}

import { useState } from 'preact/hooks';
import { useApi } from '../api-context.js';
import { ActionButton, SavedNotice, Section } from '../ui.js';
import type { Settings } from './settings-page.js';

type Retention = Settings['retention'];
const FIELDS = [
  ['jobs_days', 'Keep finished jobs (days)', 'Jobs that ended, with their files, are deleted this many days after they were created'],
  ['events_days', 'Keep settled events (days)', 'Events whose delivery is over, with their deliveries and attempts'],
] as const;

/**
 * A number of days, or null (keep forever) for an empty field; the API checks whole days and the
 * range. Text the browser could not read as a number leaves the field's value empty: that is
 * refused here rather than saved as forever.
 */
function days(text: string, unreadable: boolean, label: string): number | null {
  if (unreadable) throw new Error(`${label}: not a number of days (leave it empty to keep them forever)`);
  return text.trim() === '' ? null : Number(text.trim());
}

/** How long finished jobs and settled events are kept; empty keeps them forever (the default). */
export function RetentionPanel({ settings, onSaved }: { settings: Settings; onSaved(): void }) {
  const { api } = useApi();
  const r = settings.retention;
  const [draft, setDraft] = useState(() => ({ jobs_days: String(r.jobs_days ?? ''), events_days: String(r.events_days ?? '') }));
  const [unreadable, setUnreadable] = useState({ jobs_days: false, events_days: false });
  const [saved, setSaved] = useState('');
  const save = async () => {
    const retention: Retention = {
      jobs_days: days(draft.jobs_days, unreadable.jobs_days, FIELDS[0][1]),
      events_days: days(draft.events_days, unreadable.events_days, FIELDS[1][1]),
    };
    await api.call('put', '/{env}/settings', { body: { retention } });
    setSaved('Retention saved: the next pruning pass applies it.');
    onSaved();
  };
  return (
    <Section title="Retention" actions={<ActionButton label="Save retention" kind="primary" run={save} />}>
      <SavedNotice text={saved} />
      <fieldset class="filters" aria-label="Retention">
        {FIELDS.map(([name, label, help]) => (
          <label key={name} style="flex:1;min-width:220px" htmlFor={`retention-${name}`}>
            {label}
            <input
              id={`retention-${name}`}
              type="number"
              min={1}
              max={3650}
              placeholder="forever"
              value={draft[name]}
              onInput={(e) => {
                setSaved('');
                const input = e.target as HTMLInputElement;
                setDraft({ ...draft, [name]: input.value });
                setUnreadable({ ...unreadable, [name]: input.validity.badInput });
              }}
            />
            <span class="muted">{help}</span>
          </label>
        ))}
      </fieldset>
    </Section>
  );
}

import { useState } from 'preact/hooks';
import { useApi } from '../api-context.js';
import { ActionButton, SavedNotice, Section } from '../ui.js';
import type { Settings } from './settings-page.js';

type Monitoring = Settings['monitoring'];
const KINDS = ['job_lifecycle', 'discover', 'connection'] as const;

/**
 * Where events go: a webhook (URL, optional signing secret) per kind, Datadog, Slack. Secrets come
 * back redacted (`********`); sending that back keeps the stored secret, so an untouched field changes nothing.
 */
export function MonitoringPanel({ settings, onSaved }: { settings: Settings; onSaved(): void }) {
  const { api } = useApi();
  const m = settings.monitoring;
  const [hooks, setHooks] = useState(() =>
    Object.fromEntries(KINDS.map((k) => [k, { url: m.webhooks?.[k]?.url ?? '', secret: m.webhooks?.[k]?.secret ?? '' }])),
  );
  const [slack, setSlack] = useState(m.slack?.webhook_url ?? '');
  const [dd, setDd] = useState({ site: m.datadog?.site ?? '', api_key: m.datadog?.api_key ?? '' });
  const [saved, setSaved] = useState('');
  const input = (label: string, v: string, set: (v: string) => void, secret = false) => {
    const id = `monitoring-${label.toLowerCase().replace(/\W+/g, '-')}`;
    return (
      <label style="flex:1;min-width:220px" htmlFor={id}>
        {label}
        {secret ? (
          <input id={id} type="password" value={v} onInput={(e) => set((e.target as HTMLInputElement).value)} />
        ) : (
          <input id={id} type="text" value={v} onInput={(e) => set((e.target as HTMLInputElement).value)} />
        )}
      </label>
    );
  };
  const save = async () => {
    const webhooks: NonNullable<Monitoring['webhooks']> = {};
    for (const k of KINDS)
      if (hooks[k]!.url.trim()) webhooks[k] = { url: hooks[k]!.url.trim(), ...(hooks[k]!.secret ? { secret: hooks[k]!.secret } : {}) };
    const monitoring: Monitoring = {
      webhooks,
      ...(slack.trim() ? { slack: { webhook_url: slack.trim() } } : {}),
      ...(dd.api_key ? { datadog: { site: dd.site || 'datadoghq.com', api_key: dd.api_key } } : {}),
    };
    await api.call('put', '/{env}/settings', { body: { monitoring } });
    setSaved('Monitoring saved.');
    onSaved();
  };
  return (
    <Section title="Monitoring" actions={<ActionButton label="Save monitoring" kind="primary" run={save} />}>
      <SavedNotice text={saved} />
      {KINDS.map((k) => (
        <fieldset class="filters" key={k} aria-label={`${k} webhook`}>
          {input(`${k} webhook URL`, hooks[k]!.url, (v) => setHooks({ ...hooks, [k]: { ...hooks[k]!, url: v } }))}
          {input(`${k} signing secret`, hooks[k]!.secret, (v) => setHooks({ ...hooks, [k]: { ...hooks[k]!, secret: v } }), true)}
        </fieldset>
      ))}
      <fieldset class="filters" aria-label="Slack">
        {input('Slack incoming webhook URL', slack, setSlack, true)}
      </fieldset>
      <fieldset class="filters" aria-label="Datadog">
        {input('Datadog site', dd.site, (v) => setDd({ ...dd, site: v }))}
        {input('Datadog API key', dd.api_key, (v) => setDd({ ...dd, api_key: v }), true)}
      </fieldset>
    </Section>
  );
}

import { useState } from 'preact/hooks';
import { useApi } from '../api-context.js';
import { when } from '../format.js';
import { ActionButton, ErrorNote, Section } from '../ui.js';
import { useLoad } from '../use-load.js';

/** The environment's keys: listed by prefix only; a new key's secret is shown this once, then never again. */
export function KeysPanel() {
  const { api } = useApi();
  const keys = useLoad(() => api.call('get', '/{env}/keys'), []);
  const [kind, setKind] = useState<'environment' | 'public'>('public');
  const [name, setName] = useState('');
  const [created, setCreated] = useState<{ key: string; name: string | null } | null>(null);
  return (
    <Section title="API keys">
      <ErrorNote error={keys.error} />
      {created ? (
        <div class="notice" role="status">
          <p>
            <strong>New key{created.name ? ` “${created.name}”` : ''}:</strong> copy it now — it is not shown again.
          </p>
          <output class="secret" aria-label="New key secret">
            {created.key}
          </output>
          <button type="button" onClick={() => setCreated(null)}>
            I have copied it
          </button>
        </div>
      ) : null}
      <table aria-label="Keys">
        <thead>
          <tr>
            <th>Name</th>
            <th>Kind</th>
            <th>Prefix</th>
            <th>Created</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(keys.data ?? []).map((k) => (
            <tr key={k.key_id}>
              <td>{k.name ?? <span class="muted">unnamed</span>}</td>
              <td>{k.kind}</td>
              <td class="mono">{k.prefix}…</td>
              <td class="muted">{when(k.created_at)}</td>
              <td>
                <ActionButton
                  label={`Revoke`}
                  kind="danger"
                  confirm={`Revoke ${k.name ?? k.prefix}? Callers using it are refused at once.`}
                  run={async () => {
                    await api.call('delete', '/{env}/keys/{key_id}', { path: { key_id: k.key_id } });
                    keys.reload();
                  }}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Create a key</h3>
      <form class="filters" aria-label="Create a key" onSubmit={(e) => e.preventDefault()}>
        <label>
          Kind
          <select value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value as typeof kind)}>
            <option value="public">public (the widget, with a tenant token)</option>
            <option value="environment">environment (full access)</option>
          </select>
        </label>
        <label>
          Name
          <input value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} placeholder="e.g. production widget" />
        </label>
        <ActionButton
          label="Create key"
          kind="primary"
          run={async () => {
            const k = await api.call('post', '/{env}/keys', { body: { kind, ...(name.trim() ? { name: name.trim() } : {}) } });
            setCreated({ key: k.key, name: k.name });
            setName('');
            keys.reload();
          }}
        />
      </form>
    </Section>
  );
}

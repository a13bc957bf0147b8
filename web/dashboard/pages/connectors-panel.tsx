import { useState } from 'preact/hooks';
import { useApi } from '../api-context.js';
import { ActionButton, ErrorNote, Section } from '../ui.js';
import { useLoad } from '../use-load.js';

/**
 * Split a command line into argv: spaces separate, double or single quotes keep spaces inside one
 * argument (no shell runs it: Sinew starts the program itself).
 */
export function splitCommand(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}

function RegisterSinger({ onDone }: { onDone(): void }) {
  const { api } = useApi();
  const [id, setId] = useState('');
  const [kind, setKind] = useState<'source' | 'target'>('source');
  const [command, setCommand] = useState('');
  const [done, setDone] = useState('');
  return (
    <form class="filters" aria-label="Register a Singer connector" onSubmit={(e) => e.preventDefault()}>
      <label>
        Connector id
        <input value={id} onInput={(e) => setId((e.target as HTMLInputElement).value)} placeholder="tap-foo" required />
      </label>
      <label>
        Kind
        <select value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value as 'source' | 'target')}>
          <option value="source">source (tap)</option>
          <option value="target">target</option>
        </select>
      </label>
      <label style="flex:1;min-width:260px">
        Command
        <input
          value={command}
          onInput={(e) => setCommand((e.target as HTMLInputElement).value)}
          placeholder="/opt/taps/tap-foo/bin/tap-foo"
          required
        />
      </label>
      <ActionButton
        label="Register"
        kind="primary"
        run={async () => {
          const def = await api.call('put', '/{env}/connectors/{id}', {
            path: { id: id.trim() },
            body: { kind, runtime: 'singer', command: splitCommand(command) },
          });
          setDone(`Registered ${def.id}.`);
          setId('');
          setCommand('');
          onDone();
        }}
      />
      {done ? (
        <span class="notice" role="status">
          {done}
        </span>
      ) : null}
    </form>
  );
}

/** The connector list (built-ins read-only), and registering a Singer connector by its command. */
export function ConnectorsPanel() {
  const { api } = useApi();
  const list = useLoad(() => api.call('get', '/{env}/connectors'), []);
  return (
    <Section title="Connectors">
      <ErrorNote error={list.error} />
      <table>
        <thead>
          <tr>
            <th>Id</th>
            <th>Kind</th>
            <th>Runs as</th>
            <th>Capabilities</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(list.data ?? []).map((c) => (
            <tr key={c.id}>
              <td class="mono">{c.id}</td>
              <td>{c.kind}</td>
              <td class="muted">{c.builtin ? 'built-in' : (c.runtime?.command ?? []).join(' ') || 'singer'}</td>
              <td class="muted">
                {Object.entries(c.capabilities ?? {})
                  .filter(([, v]) => v === true)
                  .map(([k]) => k)
                  .join(', ')}
              </td>
              <td>
                {c.builtin ? null : (
                  <ActionButton
                    label="Remove"
                    confirm={`Remove ${c.id}?`}
                    run={async () => {
                      await api.call('delete', '/{env}/connectors/{id}', { path: { id: c.id } });
                      list.reload();
                    }}
                  />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Register a Singer connector</h3>
      <RegisterSinger onDone={list.reload} />
    </Section>
  );
}

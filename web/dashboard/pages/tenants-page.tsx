import { useState } from 'preact/hooks';
import { useApi } from '../api-context.js';
import { href } from '../hash-route.js';
import { ErrorNote, Loading } from '../ui.js';
import { useLoad } from '../use-load.js';

const SHOWN = 200;

/** Every tenant of the environment, narrowed by a search box as you type. */
export function TenantsPage() {
  const { api } = useApi();
  const tenants = useLoad(() => api.call('get', '/tenants/{env}'), []);
  const [search, setSearch] = useState('');
  const all = tenants.data ?? [];
  const found = all.filter((t) => t.toLowerCase().includes(search.trim().toLowerCase()));
  return (
    <div>
      <h1>Tenants</h1>
      <div class="filters">
        <label>
          Find a tenant
          <input type="search" value={search} onInput={(e) => setSearch((e.target as HTMLInputElement).value)} placeholder="tenant id" />
        </label>
        <span class="muted">{tenants.data ? `${found.length} of ${all.length}` : ''}</span>
      </div>
      <ErrorNote error={tenants.error} />
      <Loading when={!tenants.data && tenants.loading} />
      <div class="card">
        <table>
          <tbody>
            {found.slice(0, SHOWN).map((t) => (
              <tr key={t}>
                <td>
                  <a href={href(['tenants', t])}>{t}</a>
                </td>
                <td>
                  <a class="muted" href={href(['jobs'], { tenant_id: t })}>
                    jobs
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {found.length > SHOWN ? <p class="muted">{found.length - SHOWN} more: narrow the search.</p> : null}
        {tenants.data && all.length === 0 ? <p class="muted">No tenant has linked anything yet.</p> : null}
      </div>
    </div>
  );
}

import { render } from 'preact';
import type { Answer, Operation } from '../../src/contract/api-operations.js';
import { App } from './app.js';
import type { Screen } from './context.js';
import { WidgetEmitter } from './events.js';
import { shadowMount } from './mount.js';
import { TenantApi } from './tenant-api.js';

/** What `POST /connect/session` answers, as the API's contract types it. */
type ConnectSession = Answer<Operation<'/connect/session', 'post'>>;

const STORED = 'sinew-connect-session';

/**
 * The hosted connect page (a magic link): the link's token is in the URL's fragment; it is exchanged
 * once for a tenant session (kept in this tab's sessionStorage, so a reload keeps working until the
 * session ends) and removed from the address bar. Then the widget's screens, full page.
 */
export async function startConnectPage(el: HTMLElement): Promise<void> {
  // The page is the widget's: no margin round it (set through the CSSOM, which the page's CSP allows).
  document.body.style.margin = '0';
  const base = new URL('.', location.href).href.replace(/\/$/, '');
  const linkToken = location.hash.slice(1);
  if (linkToken) history.replaceState(null, '', location.pathname + location.search);
  let session: (ConnectSession & { ends: number }) | null = null;
  let error: string | null = null;
  if (linkToken) {
    const res = await fetch(`${base}/connect/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: linkToken }),
    }).catch(() => null);
    const body = res ? await res.json().catch(() => null) : null;
    if (res?.ok && body) {
      session = { ...(body as ConnectSession), ends: Date.now() + (body as ConnectSession).expires_in * 1000 };
      sessionStorage.setItem(STORED, JSON.stringify(session));
    } else
      error = (body as { error?: { message?: string } } | null)?.error?.message ?? 'Sinew could not be reached. Try again in a moment.';
  } else {
    const stored = JSON.parse(sessionStorage.getItem(STORED) ?? 'null') as (ConnectSession & { ends: number }) | null;
    if (stored && stored.ends > Date.now()) session = stored;
    else error = 'This page needs a connect link. Ask for a new one.';
  }
  const { root } = shadowMount(el, session?.brand.color ?? null);
  const container = document.createElement('div');
  root.appendChild(container);
  if (!session) {
    render(
      <div class="sw-page">
        <section class="sw-inline" aria-labelledby="sw-title">
          <header class="sw-header">
            <h1 id="sw-title">Connect</h1>
          </header>
          <div class="sw-body">
            <p class="sw-alert" role="alert">
              {error}
            </p>
          </div>
        </section>
      </div>,
      container,
    );
    return;
  }
  const s = session;
  const api = new TenantApi({ apiUrl: base, envId: s.env_id, publicKey: s.public_key, getToken: () => s.token });
  const initial: Screen = { kind: 'home' };
  render(
    <App
      api={api}
      emit={new WidgetEmitter().emit}
      brand={s.brand}
      mode="page"
      initial={initial}
      lock={{ flowId: s.flow_id, connectorId: s.connector_id }}
    />,
    container,
  );
}

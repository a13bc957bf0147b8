import { useMemo, useState } from 'preact/hooks';
import { createApiClient } from '../shared/api-client.js';
import { ApiContext } from './api-context.js';
import { type HashRoute, href, useHashRoute } from './hash-route.js';
import { EventsPage } from './pages/events-page.js';
import { FlowsPage } from './pages/flows-page.js';
import { JobPage } from './pages/job-page.js';
import { JobsPage } from './pages/jobs-page.js';
import { OverviewPage } from './pages/overview-page.js';
import { SettingsPage } from './pages/settings-page.js';
import { SignIn } from './pages/sign-in.js';
import { TenantPage } from './pages/tenant-page.js';
import { TenantsPage } from './pages/tenants-page.js';
import { apiBasePath, clearSession, readSession, type Session, saveSession } from './session.js';

const NAV = [
  ['overview', 'Overview'],
  ['jobs', 'Jobs'],
  ['tenants', 'Tenants'],
  ['flows', 'Flows and connectors'],
  ['events', 'Events'],
  ['settings', 'Settings'],
] as const;

function Page({ route }: { route: HashRoute }) {
  const [section = 'overview', ...rest] = route.parts;
  switch (section) {
    case 'jobs':
      return rest.length === 3 ? <JobPage flow={rest[0]!} tenant={rest[1]!} jobId={rest[2]!} /> : <JobsPage query={route.query} />;
    case 'tenants':
      return rest.length === 1 ? <TenantPage tenant={rest[0]!} /> : <TenantsPage />;
    case 'flows':
      return <FlowsPage />;
    case 'events':
      return <EventsPage query={route.query} />;
    case 'settings':
      return <SettingsPage />;
    default:
      return <OverviewPage />;
  }
}

/** The shell: sign-in until a session exists, then the navigation and the page the fragment names. */
export function App() {
  const [session, setSession] = useState<Session | null>(readSession);
  const route = useHashRoute();
  const context = useMemo(() => {
    if (!session) return null;
    const signOut = () => {
      clearSession();
      setSession(null);
    };
    return {
      env: session.env,
      signOut,
      api: createApiClient({ baseUrl: apiBasePath(), env: session.env, headers: () => ({ 'x-api-key': session.key }) }),
    };
  }, [session]);

  if (!context) {
    return (
      <SignIn
        onSignedIn={(s) => {
          saveSession(s);
          setSession(s);
        }}
      />
    );
  }
  const current = route.parts[0] ?? 'overview';
  return (
    <ApiContext.Provider value={context}>
      <button type="button" class="skip" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <header class="top">
        <strong class="brand">Sinew</strong>
        <nav aria-label="Pages">
          {NAV.map(([id, label]) => (
            <a key={id} href={href([id])} aria-current={current === id ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <span class="env" title="Environment">
          {context.env}
        </span>
        <button type="button" onClick={context.signOut}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Page route={route} />
      </main>
    </ApiContext.Provider>
  );
}

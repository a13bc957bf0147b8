/**
 * The signed-in environment: its id and key, kept in sessionStorage only — gone when the tab
 * closes, never in a URL, never in localStorage or a cookie (a key in a URL ends up in logs and
 * browser history). Signing out removes both.
 */
export interface Session {
  env: string;
  key: string;
}

const STORE_KEY = 'sinew.dashboard.session';

export function readSession(): Session | null {
  try {
    const text = sessionStorage.getItem(STORE_KEY);
    const parsed = text ? (JSON.parse(text) as Partial<Session>) : null;
    return parsed && typeof parsed.env === 'string' && typeof parsed.key === 'string' ? { env: parsed.env, key: parsed.key } : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(STORE_KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(STORE_KEY);
}

/**
 * The API's base path: the folder the page was served from, without its trailing slash ('' at the
 * root, '/sinew' behind a proxy serving Sinew under /sinew/).
 */
export function apiBasePath(location: Pick<Location, 'pathname'> = window.location): string {
  return location.pathname.replace(/\/[^/]*$/, '');
}

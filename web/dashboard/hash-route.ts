import { useEffect, useState } from 'preact/hooks';

/**
 * Pages are addressed by the URL's fragment (`#/jobs?status=ETL_FAILED`): the page's path stays the
 * one Sinew served it at, so its relative URLs (the script, the API) keep working behind a proxy,
 * and the back button and bookmarks work. The fragment never holds a secret.
 */
export interface HashRoute {
  /** Path segments, decoded: `#/jobs/f/t/j1` → ['jobs', 'f', 't', 'j1']. */
  parts: string[];
  query: URLSearchParams;
}

export function parseHash(hash: string): HashRoute {
  const [path = '', search = ''] = hash.replace(/^#\/?/, '').split('?', 2);
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(search) };
}

/** `#/a/b?x=1` from parts (encoded) and query values (empty ones left out). */
export function href(parts: readonly string[], query: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, v);
  const search = q.toString();
  return `#/${parts.map(encodeURIComponent).join('/')}${search ? `?${search}` : ''}`;
}

export function navigate(to: string): void {
  window.location.hash = to;
}

export function useHashRoute(): HashRoute {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const onChange = () => setHash(window.location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return parseHash(hash);
}

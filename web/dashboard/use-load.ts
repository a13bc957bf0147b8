import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../shared/api-client.js';
import { useApi } from './api-context.js';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload(): void;
}

/**
 * Loads with `fetcher` when `deps` change, and again every `poll` ms while it is set (a function of
 * the data: e.g. while a job runs) (live
 * updates: the page keeps what it shows while a refresh is on its way). A 401 signs out: the key was
 * revoked. An answer that arrives after newer deps is dropped.
 */
export function useLoad<T>(
  fetcher: () => Promise<T>,
  deps: readonly unknown[],
  poll?: number | ((data: T | undefined) => number | undefined),
): Loaded<T> {
  const { signOut } = useApi();
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: true });
  const generation = useRef(0);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);

  useEffect(() => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    fetcher().then(
      (data) => mine === generation.current && setState({ data, loading: false }),
      (e: unknown) => {
        if (mine !== generation.current) return;
        const error = e instanceof ApiError ? e : new ApiError(0, 'INTERNAL', String(e));
        if (error.status === 401) signOut();
        setState((s) => ({ data: s.data, error, loading: false }));
      },
    );
  }, [...deps, tick]);

  const pollMs = typeof poll === 'function' ? poll(state.data) : poll;
  useEffect(() => {
    if (!pollMs) return;
    const timer = setInterval(reload, pollMs);
    return () => clearInterval(timer);
  }, [pollMs, reload]);

  return { data: state.data, error: state.error, loading: state.loading, reload };
}

import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ApiClient } from '../shared/api-client.js';

/** The signed-in client of the public API, for every page below the shell. */
export const ApiContext = createContext<{ api: ApiClient; env: string; signOut(): void } | null>(null);

export function useApi(): { api: ApiClient; env: string; signOut(): void } {
  const value = useContext(ApiContext);
  if (!value) throw new Error('useApi outside the signed-in shell');
  return value;
}

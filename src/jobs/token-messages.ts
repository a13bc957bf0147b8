import type { HeldToken } from '../connectors/sdk/access-token.js';

/**
 * A job's link tokens over the job process's IPC channel (issue #15): a built-in connector that
 * runs past its token's expiry, or is refused with a 401, asks the worker — which alone opens the
 * store — for a newer token (refreshed under the link's lock), or reports the credentials dead.
 */
export type TokenRequest =
  | { t: 'token'; op: 'refresh'; req: number; have: string; reason: 'expiring' | 'rejected' }
  | { t: 'token'; op: 'invalid'; req: number; message: string };

/** The answer: `held` for a refresh (null: no newer token), `error` when the refresh failed. */
export interface TokenReply {
  t: 'token';
  req: number;
  held?: HeldToken | null;
  error?: string;
}

import { newEventId } from '../ids/short-id.js';
import type { LinkKey } from '../model/link.js';
import type { StoreOps } from '../store/store.js';

/**
 * LINK, UNLINK, OVERWRITE as in seeds/003; ours beyond: OAUTH_FAILED (an authorization that did not
 * end in a link: consent denied, state used or expired, token endpoint error) and INVALID (the
 * link's health became invalid — its provider refused its refresh token: the tenant must link again).
 */
export type ConnectionEventKind = 'LINK' | 'UNLINK' | 'OVERWRITE' | 'OAUTH_FAILED' | 'INVALID';

/** Why a connection event happened, when it is a failure: a code and a message that hold no token. */
export interface ConnectionEventError {
  code: string;
  message: string;
}

/**
 * Writes a connection event (seeds/003) to the outbox, inside the caller's transaction.
 * `connector_type` is the link's role — `source`, `target` or `connector` — as in the seed's example.
 */
export async function recordConnectionEvent(
  tx: StoreOps,
  key: LinkKey,
  event: ConnectionEventKind,
  firstLink: boolean,
  error?: ConnectionEventError,
): Promise<void> {
  const now = new Date().toISOString();
  const eventId = newEventId();
  await tx.events.insert({
    event_id: eventId,
    env_id: key.env_id,
    kind: 'connection',
    ordering_key: `link:${key.flow_id}:${key.tenant}`,
    payload: {
      tenant: key.tenant,
      flow_id: key.flow_id,
      env_id: key.env_id,
      connector: key.connector_id,
      connector_type: key.role,
      event,
      timestamp: now,
      event_id: eventId,
      first_link: firstLink,
      ...(error ? { error } : {}),
    },
    created_at: now,
  });
}

import { type Link, type LinkHealth, type LinkKey, linkHealth } from '../model/link.js';
import type { StoreOps } from '../store/store.js';
import { recordConnectionEvent } from './connection-event.js';

/**
 * Sets a link's health inside the caller's transaction (issue #15). Turning invalid writes an
 * INVALID connection event, once: a link already invalid stays as it was (its first reason and
 * `since` hold). Returns the link as saved, or null when nothing changed (or it is gone).
 */
export async function changeLinkHealth(
  tx: StoreOps,
  key: LinkKey,
  status: 'ok' | 'invalid',
  reason: LinkHealth['reason'],
  at: string,
): Promise<Link | null> {
  const link = await tx.links.get(key);
  if (!link || linkHealth(link).status === status) return null;
  const next: Link = { ...link, health: { status, reason: status === 'ok' ? null : reason, since: at } };
  await tx.links.put(next);
  if (status === 'invalid' && reason) await recordConnectionEvent(tx, key, 'INVALID', false, reason);
  return next;
}

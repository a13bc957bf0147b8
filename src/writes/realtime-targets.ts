import type { SecretBox } from '../crypto/secret-box.js';
import type { LinkConfigOpener } from '../model/link.js';
import type { Store } from '../store/store.js';
import { type RealtimeTarget, resolveRealtimeTarget } from './realtime-target.js';

/**
 * Resolved real-time targets, reused for up to FRESH_MS: a burst of writes to one tenant's target
 * reads its flow and link (and decrypts its config) once, not per write. A changed config or an
 * unlink therefore reaches real-time writes within that time.
 */
const FRESH_MS = 1000;
const MAX_ENTRIES = 10_000;

export class RealtimeTargets {
  private readonly cache = new Map<string, { target: RealtimeTarget; at: number }>();

  constructor(
    private readonly store: Store,
    private readonly box: SecretBox,
    private readonly allowLoopback: boolean,
    private readonly openLinkConfig?: LinkConfigOpener,
  ) {}

  async get(envId: string, flowId: string, tenant: string, connectorId: string): Promise<RealtimeTarget> {
    const key = JSON.stringify([envId, flowId, tenant, connectorId]);
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && now - hit.at < FRESH_MS) return hit.target;
    const target = await resolveRealtimeTarget(
      this.store,
      this.box,
      envId,
      flowId,
      tenant,
      connectorId,
      this.allowLoopback,
      this.openLinkConfig,
    );
    if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
    this.cache.set(key, { target, at: now });
    return target;
  }
}

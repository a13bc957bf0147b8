import { shortId } from '../ids/short-id.js';
import type { AuditEntry, AuditListFilter } from '../model/audit-entry.js';
import type { Store } from '../store/store.js';

/** An entry as the API hook describes it; the log gives it its id. */
export type AuditRecord = Omit<AuditEntry, 'audit_id'>;

export interface AuditRetentionPolicy {
  /** Entries older than this go (default 90 days). */
  maxAgeMs: number;
  /** At most this many entries per environment stay, the newest (default 100,000). */
  maxEntries: number;
  /** How often one process prunes one environment's log at most (default a minute). */
  pruneEveryMs: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Bounded growth, chosen over a setting: 90 days answers "who changed this last quarter", and the
 * cap bounds what a flood of requests can cost (rows of a few hundred bytes: ~100k is tens of MB).
 * A cap means a caller with a valid key can push old entries out by making many requests; the log
 * then shows who made them.
 */
export const DEFAULT_AUDIT_RETENTION: AuditRetentionPolicy = { maxAgeMs: 90 * DAY_MS, maxEntries: 100_000, pruneEveryMs: 60_000 };

/** The audit log service: records what the API hook saw, and serves `GET /{env}/audit`. */
export class AuditLog {
  /** When this process last pruned each environment's log. */
  readonly #prunedAt = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly retention: AuditRetentionPolicy = DEFAULT_AUDIT_RETENTION,
  ) {}

  async record(entry: AuditRecord): Promise<AuditEntry> {
    const stored: AuditEntry = { audit_id: shortId(12), ...entry };
    await this.store.audit.insert(stored);
    await this.#pruneNowAndThen(entry.env_id, Date.parse(entry.at));
    return stored;
  }

  list(filter: AuditListFilter): Promise<AuditEntry[]> {
    return this.store.audit.list(filter);
  }

  /**
   * Pruning runs after a write rather than on a timer, so a log nobody writes to costs nothing; at
   * most once a minute per environment, because the cap's scan reads up to `maxEntries` index entries.
   */
  async #pruneNowAndThen(envId: string, now: number): Promise<void> {
    const last = this.#prunedAt.get(envId);
    if (last !== undefined && now - last < this.retention.pruneEveryMs) return;
    this.#prunedAt.set(envId, now);
    await this.store.audit.prune(envId, { beforeMs: now - this.retention.maxAgeMs, keep: this.retention.maxEntries });
  }
}

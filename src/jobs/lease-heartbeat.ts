import type { Logger } from 'pino';
import { retryOnConnectionLoss } from '../runtime/connection-retry.js';
import type { Store } from '../store/store.js';
import type { HeldLeases } from './held-leases.js';

export type LeaseNews = 'lost' | 'cancelled';

/**
 * Renews the leases of the jobs this process runs, every third of the lease, in one statement. The
 * answer also says what changed elsewhere: a job missing from it was taken over (this process's
 * lease expired: it stalled or lost the database), a job now JOB_CANCELLED was cancelled by another
 * process. `onNews` stops those jobs' processes.
 */
export class LeaseHeartbeat {
  #timer: NodeJS.Timeout | undefined;
  #beating: Promise<void> | undefined;

  constructor(
    private readonly deps: {
      store: Store;
      leases: HeldLeases;
      leaseMs: number;
      logger: Logger;
      onNews: (jobId: string, news: LeaseNews) => void;
      /** A job's lease now runs until `expiresAt` (its process is told: lease-fence.ts). */
      onRenewed?: (jobId: string, expiresAt: number) => void;
    },
  ) {}

  get #intervalMs(): number {
    return Math.max(100, Math.floor(this.deps.leaseMs / 3));
  }

  start(): void {
    this.#timer = setInterval(() => {
      this.#beating ??= this.beat().finally(() => (this.#beating = undefined));
    }, this.#intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#beating;
  }

  async beat(): Promise<void> {
    const { store, leases, leaseMs, logger, onNews } = this.deps;
    const ids = leases.ids();
    if (ids.length === 0) return;
    try {
      let until = 0;
      // A lost connection is tried again at once (with back-off) until the next beat is due, not
      // only at that beat: with the database flapping, two missed beats would let the lease run out.
      const giveUpAt = Date.now() + this.#intervalMs;
      const renewed = await retryOnConnectionLoss(() => store.jobLeases.renew(leases.owner, ids, (until = Date.now() + leaseMs)), {
        what: 'renewing the leases of running jobs',
        logger,
        stillWanted: () => Date.now() < giveUpAt,
      });
      const kept = new Map(renewed.map((k) => [k.job_id, k.status]));
      // Re-read what is held: a job that ended and released its lease meanwhile is no news.
      const stillHeld = new Set(leases.ids());
      for (const id of ids) {
        if (!stillHeld.has(id)) continue;
        const status = kept.get(id);
        if (status === undefined) onNews(id, 'lost');
        else {
          leases.renewed(id, until);
          this.deps.onRenewed?.(id, until);
          if (status === 'JOB_CANCELLED') onNews(id, 'cancelled');
        }
      }
    } catch (e) {
      // Not fatal yet: the leases last leaseMs; if the store stays away, the others reap them.
      logger.warn({ err: (e as Error).message, jobs: ids.length }, 'could not renew the leases of running jobs');
    }
  }
}

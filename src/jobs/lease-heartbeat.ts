import type { Logger } from 'pino';
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
    private readonly deps: { store: Store; leases: HeldLeases; leaseMs: number; logger: Logger; onNews: (jobId: string, news: LeaseNews) => void },
  ) {}

  start(): void {
    this.#timer = setInterval(() => {
      this.#beating ??= this.beat().finally(() => (this.#beating = undefined));
    }, Math.max(100, Math.floor(this.deps.leaseMs / 3)));
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
      const kept = new Map((await store.jobLeases.renew(leases.owner, ids, Date.now() + leaseMs)).map((k) => [k.job_id, k.status]));
      // Re-read what is held: a job that ended and released its lease meanwhile is no news.
      const stillHeld = new Set(leases.ids());
      for (const id of ids) {
        if (!stillHeld.has(id)) continue;
        const status = kept.get(id);
        if (status === undefined) onNews(id, 'lost');
        else if (status === 'JOB_CANCELLED') onNews(id, 'cancelled');
      }
    } catch (e) {
      // Not fatal yet: the leases last leaseMs; if the store stays away, the others reap them.
      logger.warn({ err: (e as Error).message, jobs: ids.length }, 'could not renew the leases of running jobs');
    }
  }
}

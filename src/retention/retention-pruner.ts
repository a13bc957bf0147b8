import type { Logger } from 'pino';
import type { Environment } from '../model/environment.js';
import { environmentSettings } from '../settings/environment-settings.js';
import type { StorageForEnvironment } from '../settings/storage-router.js';
import type { Store } from '../store/store.js';

const DAY_MS = 24 * 3600 * 1000;
/** Rows per batch: each batch is one short statement (or transaction), so no lock is held for long. */
export const RETENTION_BATCH = 500;
/** Job roots deleted at once: S3 deletes are a few round trips each; the disk does not mind. */
const FILE_DELETES_IN_FLIGHT = 8;

export interface PruneReport {
  jobs: number;
  /** Jobs kept for now because their files could not be deleted (tried again next pass). */
  jobs_kept: number;
  events: number;
  deliveries: number;
  attempts: number;
}

/**
 * One pass of retention over every environment: terminal jobs older than `retention.jobs_days`
 * lose their files, then their rows; settled events older than `retention.events_days` go with
 * their deliveries and attempts. Batches of RETENTION_BATCH, oldest first, until none is left.
 * Several processes may prune at once: every delete is conditional and repeating one is harmless.
 */
export class RetentionPruner {
  constructor(private readonly deps: { store: Store; storage: StorageForEnvironment; logger: Logger }) {}

  /** Prunes what is past retention at `nowMs`; `stopped` ends the pass between batches. */
  async pruneOnce(nowMs: number, stopped: () => boolean = () => false): Promise<PruneReport> {
    const report: PruneReport = { jobs: 0, jobs_kept: 0, events: 0, deliveries: 0, attempts: 0 };
    for (const env of await this.deps.store.environments.list()) {
      if (stopped()) break;
      const { jobs_days, events_days } = environmentSettings(env.settings).retention;
      try {
        if (jobs_days !== null) await this.#pruneJobs(env, nowMs - jobs_days * DAY_MS, report, stopped);
        if (events_days !== null) await this.#pruneEvents(env, new Date(nowMs - events_days * DAY_MS).toISOString(), report, stopped);
      } catch (e) {
        // One environment's failure (its S3 bucket unreachable...) does not stop the others'.
        this.deps.logger.warn({ err: (e as Error).message, env_id: env.env_id }, 'retention: pruning failed; trying again next pass');
      }
    }
    if (report.jobs + report.events + report.jobs_kept > 0) this.deps.logger.info({ ...report }, 'retention: pruned');
    return report;
  }

  async #pruneJobs(env: Environment, createdBeforeMs: number, report: PruneReport, stopped: () => boolean): Promise<void> {
    const { store } = this.deps;
    while (!stopped()) {
      const batch = await store.retention.listExpiredJobs(env.env_id, createdBeforeMs, RETENTION_BATCH);
      if (batch.length === 0) return;
      const storage = await this.deps.storage.forEnvironment(env.env_id);
      // Files first: a row is deleted only once its files are, so no job root is ever left without
      // the row that leads to it; a job whose files fail keeps its row, and the next pass retries.
      const cleared: string[] = [];
      await inLanes(batch, FILE_DELETES_IN_FLIGHT, async (job) => {
        try {
          await storage.deletePrefix(`${job.s3_root}/`);
          cleared.push(job.job_id);
        } catch (e) {
          this.deps.logger.warn(
            { err: (e as Error).message, env_id: env.env_id, job_id: job.job_id },
            'retention: could not delete job files',
          );
        }
      });
      report.jobs += await store.retention.deleteJobs(env.env_id, cleared);
      report.jobs_kept += batch.length - cleared.length;
      // A short batch was the last; one with failures would come back the same, so the pass moves on.
      if (batch.length < RETENTION_BATCH || cleared.length < batch.length) return;
    }
  }

  async #pruneEvents(env: Environment, createdBefore: string, report: PruneReport, stopped: () => boolean): Promise<void> {
    while (!stopped()) {
      // One transaction a batch: an event never stays without its deliveries or the other way round.
      const pruned = await this.deps.store.transaction((tx) => tx.retention.pruneEvents(env.env_id, createdBefore, RETENTION_BATCH));
      report.events += pruned.events;
      report.deliveries += pruned.deliveries;
      report.attempts += pruned.attempts;
      if (pruned.events < RETENTION_BATCH) return;
    }
  }
}

async function inLanes<T>(items: T[], lanes: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, lane));
}

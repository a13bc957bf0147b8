import type { Logger } from 'pino';
import type { Job } from '../model/job.js';
import { effectiveJobSettings } from '../settings/environment-settings.js';
import type { JobRef, LeasedJob } from '../store/job-lease-ops.js';
import type { Store, StoreOps } from '../store/store.js';
import { finalStatus } from './final-status.js';
import type { JobLifecycle } from './job-lifecycle.js';
import type { QueueSweeper } from './queue-sweeper.js';

const REAP_BATCH = 100;

type Outcome = { job: Job; requeued: boolean; changed: boolean };

/**
 * Ends or re-queues jobs whose worker is gone: every worker runs this periodically, and a lease
 * that was not renewed in time means its holder died (SIGKILL, crash, lost machine) or lost the
 * database. Each job is handled in one transaction that locks its row and checks again that the
 * lease is still expired, so several reapers never handle a job twice and a lease renewed meanwhile
 * is left alone.
 *
 * - Claimed but never started (still JOB_CREATED): the claim is dropped and the job queued again.
 * - Started, with `worker_loss_retries` left: re-queued to run from the start (JOB_CREATED event
 *   with a message saying why), counted in `worker_losses`.
 * - Otherwise: the failure status of the phase it was in, with an error naming the lost worker.
 *   Nothing of the lost run is committed: state and snapshots are saved only with JOB_COMPLETED.
 */
export class LeaseReaper {
  constructor(private readonly deps: { store: Store; lifecycle: JobLifecycle; sweeper: QueueSweeper; logger: Logger }) {}

  /** Handles up to one batch of jobs whose lease expired before `expiredBeforeMs`; returns how many changed. */
  async reap(expiredBeforeMs: number): Promise<number> {
    let handled = 0;
    for (const ref of await this.deps.store.jobLeases.listExpired(expiredBeforeMs, REAP_BATCH)) {
      try {
        const outcome = await this.deps.store.transaction((tx) => this.#reapIn(tx, ref, expiredBeforeMs));
        if (!outcome) continue;
        handled++;
        if (outcome.changed) this.deps.lifecycle.announce(outcome.job);
        if (outcome.requeued) await this.deps.sweeper.enqueue(outcome.job);
        else await this.deps.sweeper.enqueueNextOfLink(outcome.job);
      } catch (e) {
        this.deps.logger.warn({ err: (e as Error).message, job_id: ref.job_id }, 'could not end a job whose worker was lost');
      }
    }
    return handled;
  }

  /**
   * A run this process held ended without finishing because its lease could not be kept (its job
   * process fenced itself: lease-fence.ts): the same rules as for a lost worker, at once.
   */
  async loseRun(ref: JobRef, lost: string): Promise<void> {
    const outcome = await this.deps.store.transaction(async (tx) => {
      const row = await tx.jobLeases.lockJob(ref.env_id, ref.job_id);
      return row ? this.#loseIn(tx, row, lost) : null;
    });
    if (!outcome) return;
    if (outcome.changed) this.deps.lifecycle.announce(outcome.job);
    if (outcome.requeued) await this.deps.sweeper.enqueue(outcome.job);
  }

  async #reapIn(tx: StoreOps, ref: JobRef, expiredBeforeMs: number): Promise<Outcome | null> {
    const row = await tx.jobLeases.lockJob(ref.env_id, ref.job_id);
    if (!row || row.lease_expires_at === null || row.lease_expires_at >= expiredBeforeMs) return null;
    return this.#loseIn(tx, row, lostWorker(row));
  }

  async #loseIn(tx: StoreOps, row: LeasedJob, why: string): Promise<Outcome | null> {
    const job = row.job;
    // A job that never started needs no retry budget: it goes back in line whatever it says.
    const retries = job.status === 'JOB_CREATED' ? 0 : await workerLossRetries(tx, job);
    const decided = finalStatus({ how: 'leaseLost', why, losses: row.worker_losses, retries }, job.status);
    if (decided === null) return null;
    if ('requeue' in decided) {
      // A job still at JOB_CREATED keeps its status: nothing to announce.
      return { job: await this.deps.lifecycle.requeueIn(tx, job, decided.requeue), requeued: true, changed: job.status !== 'JOB_CREATED' };
    }
    const failed = await this.deps.lifecycle.transitionIn(tx, job, decided.to, { error: decided.error });
    await tx.jobLeases.clearLease(job.env_id, job.job_id, { countLoss: true });
    return { job: failed, requeued: false, changed: true };
  }
}

function lostWorker(row: LeasedJob): string {
  return `the worker running this job stopped before it finished (its lease, held by ${row.lease_owner}, was not renewed)`;
}

/** The job's `worker_loss_retries` as in force now: the environment's, overridden by its flow's. */
async function workerLossRetries(tx: StoreOps, job: Job): Promise<number> {
  const env = await tx.environments.get(job.env_id);
  const flow = await tx.flows.get(job.env_id, job.flow_id);
  return effectiveJobSettings(env?.settings ?? {}, flow?.job_settings).worker_loss_retries;
}

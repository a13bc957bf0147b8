import type { Logger } from 'pino';
import { isTerminal, type Job } from '../model/job.js';
import type { Store, StoreOps } from '../store/store.js';
import type { JobRef, LeasedJob } from '../store/job-lease-ops.js';
import { effectiveJobSettings } from '../settings/environment-settings.js';
import type { JobLifecycle } from './job-lifecycle.js';
import { failureStatusFor } from './job-transitions.js';
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
  constructor(
    private readonly deps: { store: Store; lifecycle: JobLifecycle; sweeper: QueueSweeper; logger: Logger },
  ) {}

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
      return !row || isTerminal(row.job.status) ? null : this.#loseIn(tx, row, lost);
    });
    if (!outcome) return;
    if (outcome.changed) this.deps.lifecycle.announce(outcome.job);
    if (outcome.requeued) await this.deps.sweeper.enqueue(outcome.job);
  }

  async #reapIn(tx: StoreOps, ref: JobRef, expiredBeforeMs: number): Promise<Outcome | null> {
    const row = await tx.jobLeases.lockJob(ref.env_id, ref.job_id);
    if (!row || isTerminal(row.job.status) || row.lease_expires_at === null || row.lease_expires_at >= expiredBeforeMs) return null;
    return this.#loseIn(tx, row, lostWorker(row));
  }

  async #loseIn(tx: StoreOps, row: LeasedJob, lost: string): Promise<Outcome> {
    const job = row.job;
    if (job.status === 'JOB_CREATED') {
      return { job: await this.deps.lifecycle.requeueIn(tx, job, { message: '', countLoss: false }), requeued: true, changed: false };
    }
    const retries = await workerLossRetries(tx, job);
    if (row.worker_losses < retries) {
      const message = `re-queued: ${lost} (worker loss ${row.worker_losses + 1} of ${retries} allowed by worker_loss_retries); the job runs again from the start`;
      return { job: await this.deps.lifecycle.requeueIn(tx, job, { message, countLoss: true }), requeued: true, changed: true };
    }
    const failed = await this.deps.lifecycle.transitionIn(tx, job, failureStatusFor(job.status), { error: lost });
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

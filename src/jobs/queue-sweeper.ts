import type { Logger } from 'pino';
import type { Job } from '../model/job.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { Store } from '../store/store.js';

const SWEEP_BATCH = 500;

/**
 * Keeps the queue in step with the store, which is the truth about what must run. A job is queued by
 * whoever created it, after its commit; if that process died in between, or the queue lost the item,
 * `sweep` finds the job (queued, unclaimed, next in line for its link) and queues it again — a no-op
 * for jobs still waiting, and harmless for one being claimed right now (the claim is a
 * compare-and-set). A job waiting behind another of its link is queued when that one ends.
 */
export class QueueSweeper {
  constructor(
    private readonly store: Store,
    private readonly queue: JobQueue,
    private readonly logger: Logger,
  ) {}

  /**
   * Queues again the oldest runnable, unclaimed jobs created before `createdBeforeMs` (one page);
   * returns how many. Past a page, the rest are reached once the oldest have run.
   */
  async sweep(createdBeforeMs: number): Promise<number> {
    const runnable = await this.store.jobLeases.listRunnable(createdBeforeMs, SWEEP_BATCH);
    await this.queue.enqueueMany(runnable);
    return runnable.length;
  }

  /** A job of this link ended (or was re-queued): the link's next job, if it can run now, is queued. */
  async enqueueNextOfLink(job: Job): Promise<void> {
    await this.#orLeaveToSweep(job, async () => {
      const active = await this.store.jobs.listActiveForLink({
        env_id: job.env_id,
        flow_id: job.flow_id,
        tenant: job.tenant,
        role: job.link_role,
        connector_id: job.link_connector,
      });
      const next = active[0];
      if (next && next.status === 'JOB_CREATED') await this.queue.enqueue({ env_id: next.env_id, job_id: next.job_id });
    });
  }

  /** Queues a job that was put back (re-queued). */
  async enqueue(job: Job): Promise<void> {
    await this.#orLeaveToSweep(job, () => this.queue.enqueue({ env_id: job.env_id, job_id: job.job_id }));
  }

  async #orLeaveToSweep(job: Job, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (e) {
      // Not lost: the job is JOB_CREATED in the store, and the next sweep queues it.
      this.logger.warn({ err: (e as Error).message, job_id: job.job_id }, 'could not queue a job; the sweeper will');
    }
  }
}

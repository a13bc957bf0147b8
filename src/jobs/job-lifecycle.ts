import { EventEmitter } from 'node:events';
import { notFound } from '../errors/sinew-error.js';
import { newEventId } from '../ids/short-id.js';
import type { Job, JobStatus } from '../model/job.js';
import type { Store, StoreOps } from '../store/store.js';
import { assertTransition } from './job-transitions.js';
import { publicJob } from './job-view.js';
import { jobDiscoverEvent } from '../events/job-discover-event.js';

export type JobPatch = Partial<Omit<Job, 'job_id' | 'env_id' | 'status' | 'status_timestamp'>>;

/**
 * The only way a job changes status: checks the transition table, stamps `status_timestamp`, and
 * writes the job and its lifecycle event to the outbox in one transaction.
 */
export class JobLifecycle {
  /** In-process notification of every change (followers, the worker's cancel watch). */
  readonly changes = new EventEmitter();

  constructor(private readonly store: Store) {
    this.changes.setMaxListeners(0);
  }

  async transition(
    envId: string,
    jobId: string,
    to: JobStatus,
    patch: JobPatch = {},
    alsoInTransaction?: (tx: StoreOps, job: Job) => Promise<void>,
  ): Promise<Job> {
    const job = await this.store.transaction(async (tx) => {
      const current = await tx.getJob(envId, jobId);
      if (!current) throw notFound('job', { job_id: jobId });
      assertTransition(jobId, current.status, to);
      const now = new Date();
      const next: Job = {
        ...current,
        ...patch,
        status: to,
        status_timestamp: { ...current.status_timestamp, [to]: now.getTime() },
        last_updated: now.toISOString(),
      };
      await tx.updateJob(next);
      await tx.insertEvent({
        event_id: newEventId(),
        env_id: envId,
        kind: 'job_lifecycle',
        ordering_key: `job:${jobId}`,
        payload: publicJob(next),
        created_at: now.toISOString(),
      });
      if (to.startsWith('DISCOVER_')) await tx.insertEvent(jobDiscoverEvent(next, now));
      if (alsoInTransaction) await alsoInTransaction(tx, next);
      return next;
    });
    this.changes.emit('job', job);
    return job;
  }

  /** Progress that is not a status change (record counts, memory): no event. */
  async patch(envId: string, jobId: string, patch: JobPatch): Promise<void> {
    await this.store.transaction(async (tx) => {
      const current = await tx.getJob(envId, jobId);
      if (!current) return;
      await tx.updateJob({ ...current, ...patch, last_updated: new Date().toISOString() });
    });
  }

  /** Builds (inside the transaction, so its checks hold) and writes a new job with its JOB_CREATED event. */
  async create(build: (tx: StoreOps) => Promise<Job>): Promise<Job> {
    const job = await this.store.transaction(async (tx) => this.createIn(tx, await build(tx)));
    this.announce(job);
    return job;
  }

  /** Writes a new job and its JOB_CREATED event in the caller's transaction; `announce` it after commit. */
  async createIn(tx: StoreOps, job: Job): Promise<Job> {
    await tx.insertJob(job);
    await tx.insertEvent({
      event_id: newEventId(),
      env_id: job.env_id,
      kind: 'job_lifecycle',
      ordering_key: `job:${job.job_id}`,
      payload: publicJob(job),
      created_at: job.start_time,
    });
    return job;
  }

  /** Tells in-process listeners (event delivery, the worker) about a committed job. */
  announce(job: Job): void {
    this.changes.emit('job', job);
  }
}

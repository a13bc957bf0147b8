import { EventEmitter } from 'node:events';
import { notFound, SinewError } from '../errors/sinew-error.js';
import { jobDiscoverEvent } from '../events/job-discover-event.js';
import { newEventId } from '../ids/short-id.js';
import type { Job, JobStatus } from '../model/job.js';
import { JOB_STATUS_WRITER } from '../store/job-status-writer.js';
import type { Store, StoreOps } from '../store/store.js';
import { finalStatus, type RunEnding } from './final-status.js';
import type { HeldLeases } from './held-leases.js';
import { assertTransition } from './job-transitions.js';
import { publicJob } from './job-view.js';

export type JobPatch = Partial<Omit<Job, 'job_id' | 'env_id' | 'status' | 'status_timestamp'>>;

/**
 * The only way a job changes status: checks the transition table, stamps `status_timestamp`, and
 * writes the job and its lifecycle event to the outbox in one transaction. The job's row is locked
 * for that transaction, so changes from several processes (a worker, the API cancelling, a reaper)
 * serialize instead of overwriting each other; a job this process runs may change only while this
 * process still holds its lease (`leases`, the fence). It writes through the store's
 * JobStatusWriter, which no other module may import (.dependency-cruiser.cjs), so "the only way"
 * is checked rather than agreed.
 */
export class JobLifecycle {
  /** In-process notification of every change (followers, the worker's cancel watch). */
  readonly changes = new EventEmitter();

  constructor(
    private readonly store: Store,
    private readonly leases?: HeldLeases,
  ) {
    this.changes.setMaxListeners(0);
  }

  async transition(
    envId: string,
    jobId: string,
    to: JobStatus,
    /** A function computes the patch inside the transaction (e.g. from the link it reads there). */
    patch: JobPatch | ((tx: StoreOps) => Promise<JobPatch>) = {},
    alsoInTransaction?: (tx: StoreOps, job: Job) => Promise<void>,
  ): Promise<Job> {
    const job = await this.store.transaction(async (tx) => {
      const locked = await this.#locked(tx, envId, jobId);
      const next = await this.transitionIn(tx, locked, to, typeof patch === 'function' ? await patch(tx) : patch);
      if (alsoInTransaction) await alsoInTransaction(tx, next);
      return next;
    });
    this.changes.emit('job', job);
    return job;
  }

  /**
   * A status change inside the caller's transaction, on a job it has locked (`tx.jobLeases.lockJob`);
   * `announce` the result after commit.
   */
  async transitionIn(tx: StoreOps, current: Job, to: JobStatus, patch: JobPatch = {}): Promise<Job> {
    if (to === 'JOB_CREATED') {
      throw new SinewError(
        'INVALID_JOB_TRANSITION',
        `job ${current.job_id} cannot move from ${current.status} to JOB_CREATED except by a re-queue`,
        { from: current.status, to },
      );
    }
    assertTransition(current.job_id, current.status, to);
    const now = new Date();
    // Leaving JOB_CREATED starts a run: a message there is a re-queue's ("handed back: …") about the
    // run before, which would otherwise ride on every event of this one. `patch` may set a new one.
    const fresh = current.status === 'JOB_CREATED' ? { message: null } : {};
    return this.#write(
      tx,
      {
        ...current,
        ...fresh,
        ...patch,
        status: to,
        status_timestamp: { ...current.status_timestamp, [to]: now.getTime() },
        last_updated: now.toISOString(),
      },
      now,
    );
  }

  /**
   * Ends a run as `finalStatus` decides from what happened and the job's status now (its row
   * locked): a final status with `patch` (computed inside the transaction when a function, and only
   * when the job does end), a re-queue, or nothing when the job has ended already (null).
   */
  async end(
    envId: string,
    jobId: string,
    ending: RunEnding,
    patch: JobPatch | ((tx: StoreOps) => Promise<JobPatch>) = {},
  ): Promise<Job | null> {
    const job = await this.store.transaction(async (tx) => {
      const current = await this.#locked(tx, envId, jobId);
      const decided = finalStatus(ending, current.status);
      if (decided === null) return null;
      if ('requeue' in decided) return this.requeueIn(tx, current, decided.requeue);
      const more = typeof patch === 'function' ? await patch(tx) : patch;
      return this.transitionIn(tx, current, decided.to, { ...more, ...(decided.error !== undefined ? { error: decided.error } : {}) });
    });
    if (job) this.changes.emit('job', job);
    return job;
  }

  /**
   * Back to the queue, inside the caller's transaction on a locked job: a started job moves to
   * JOB_CREATED with `message` (its run starts over: stamps, metrics and error of the lost run are
   * cleared), and the lease is cleared so any worker may claim it. A job that never left
   * JOB_CREATED keeps its status (no event). Returns the job to `announce` and enqueue after commit.
   */
  async requeueIn(tx: StoreOps, current: Job, opts: { message: string; countLoss: boolean }): Promise<Job> {
    await tx.jobLeases.clearLease(current.env_id, current.job_id, { countLoss: opts.countLoss });
    if (current.status === 'JOB_CREATED') return current;
    assertTransition(current.job_id, current.status, 'JOB_CREATED');
    const now = new Date();
    return this.#write(
      tx,
      {
        ...current,
        status: 'JOB_CREATED',
        status_timestamp: { JOB_CREATED: now.getTime() },
        metrics: { recordCount: {} },
        error: null,
        message: opts.message,
        last_updated: now.toISOString(),
      },
      now,
    );
  }

  /** `requeueIn` in a transaction of its own, for a job this process holds (a hand-back). */
  async requeue(envId: string, jobId: string, opts: { message: string; countLoss: boolean }): Promise<Job> {
    const job = await this.store.transaction(async (tx) => this.requeueIn(tx, await this.#locked(tx, envId, jobId), opts));
    this.changes.emit('job', job);
    return job;
  }

  /** Progress that is not a status change (record counts, memory): no event. */
  async patch(envId: string, jobId: string, patch: JobPatch): Promise<void> {
    await this.store.transaction(async (tx) => {
      const row = await tx.jobLeases.lockJob(envId, jobId);
      if (!row) return;
      this.leases?.assertStillHeld(jobId, row.lease_owner);
      await tx[JOB_STATUS_WRITER].write({ ...row.job, ...patch, last_updated: new Date().toISOString() });
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
    await tx.jobs.insert(job);
    await tx.events.insert(lifecycleEvent(job, job.start_time));
    return job;
  }

  /** Tells in-process listeners (event delivery, the worker) about a committed job. */
  announce(job: Job): void {
    this.changes.emit('job', job);
  }

  async #locked(tx: StoreOps, envId: string, jobId: string): Promise<Job> {
    const row = await tx.jobLeases.lockJob(envId, jobId);
    if (!row) throw notFound('job', { job_id: jobId });
    this.leases?.assertStillHeld(jobId, row.lease_owner);
    return row.job;
  }

  async #write(tx: StoreOps, next: Job, now: Date): Promise<Job> {
    await tx[JOB_STATUS_WRITER].write(next);
    await tx.events.insert(lifecycleEvent(next, now.toISOString()));
    if (next.status.startsWith('DISCOVER_')) await tx.events.insert(jobDiscoverEvent(next, now));
    return next;
  }
}

function lifecycleEvent(job: Job, createdAt: string) {
  return {
    event_id: newEventId(),
    env_id: job.env_id,
    kind: 'job_lifecycle' as const,
    ordering_key: `job:${job.job_id}`,
    payload: publicJob(job),
    created_at: createdAt,
  };
}

/** What the queue carries: just the job's identity; the job itself lives in the store. */
export interface QueuedJob {
  env_id: string;
  job_id: string;
}

export type QueueHandler = (item: QueuedJob) => Promise<void>;

/**
 * The job queue port: `InProcessQueue` (embedded mode) and `PgBossQueue` (PostgreSQL). Delivery is
 * at least once: an item may reach a handler twice (a re-enqueue by the sweeper, a crash between
 * fetch and hand-over), so the handler must be idempotent — the worker's claim on the job's row is
 * what makes a job run exactly once. The store stays the truth: an item lost from the queue is put
 * back by the sweeper from its JOB_CREATED row.
 */
export interface JobQueue {
  /** Queues an item; one already waiting is not queued twice. */
  enqueue(item: QueuedJob): Promise<void>;
  /** `enqueue` for many at once (the sweeper), in as few round trips as the adapter can. */
  enqueueMany(items: QueuedJob[]): Promise<void>;
  /** Starts handing items to handler, at most `concurrency` at a time. */
  start(handler: QueueHandler, opts: { concurrency: number }): Promise<void>;
  /** Stops taking new items and waits for the running handlers. Enqueueing still works. */
  stop(): Promise<void>;
  /** Items waiting (not yet handed to a handler); rejects when the queue cannot be reached. */
  depth(): Promise<number>;
  /** Releases the queue's connections (after `stop`). */
  close(): Promise<void>;
}

/** What the queue carries: just the job's identity; the job itself lives in the store. */
export interface QueuedJob {
  env_id: string;
  job_id: string;
}

export type QueueHandler = (item: QueuedJob) => Promise<void>;

/**
 * The job queue port. Embedded mode: in-process (durable through the store: queued jobs are
 * re-enqueued from their JOB_CREATED rows at start-up). Scale-out: pg-boss.
 */
export interface JobQueue {
  enqueue(item: QueuedJob): Promise<void>;
  /** Starts handing items to handler, at most `concurrency` at a time. */
  start(handler: QueueHandler, opts: { concurrency: number }): Promise<void>;
  /** Stops taking new items and waits for the running handlers. */
  stop(): Promise<void>;
  /** Items waiting (not running). */
  depth(): number;
}

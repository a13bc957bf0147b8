import type { JobQueue, QueuedJob, QueueHandler } from './job-queue.js';

/** A FIFO queue inside the process, for the embedded mode (one process owns the store). */
export class InProcessQueue implements JobQueue {
  private readonly waiting: QueuedJob[] = [];
  private readonly running = new Set<Promise<void>>();
  private handler: QueueHandler | undefined;
  private concurrency = 1;
  private stopped = false;

  async enqueue(item: QueuedJob): Promise<void> {
    if (this.waiting.some((w) => w.env_id === item.env_id && w.job_id === item.job_id)) return;
    this.waiting.push(item);
    this.pump();
  }

  async enqueueMany(items: QueuedJob[]): Promise<void> {
    for (const item of items) await this.enqueue(item);
  }

  async start(handler: QueueHandler, opts: { concurrency: number }): Promise<void> {
    this.handler = handler;
    this.concurrency = Math.max(1, opts.concurrency);
    this.stopped = false;
    this.pump();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.running]);
  }

  async depth(): Promise<number> {
    return this.waiting.length;
  }

  async close(): Promise<void> {}

  private pump(): void {
    const handler = this.handler;
    if (!handler || this.stopped) return;
    while (this.running.size < this.concurrency && this.waiting.length > 0) {
      const item = this.waiting.shift()!;
      // The handler owns its errors; a rejection here must not kill the process.
      const run: Promise<void> = handler(item)
        .catch(() => {})
        .finally(() => {
          this.running.delete(run);
          this.pump();
        });
      this.running.add(run);
    }
  }
}

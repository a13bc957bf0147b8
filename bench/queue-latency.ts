/**
 * The job queue's own cost per job, measured on the adapters directly: the time an `enqueue` call
 * takes, and from just before it to the consumer's handler being called, one item at a time (so no
 * item waits behind another). In-process: one InProcessQueue. pg-boss: a producer and a consumer
 * opened separately, each with its own connections, as an API and a worker process are — so the
 * wake-up goes through PostgreSQL's NOTIFY, not a shortcut inside one instance.
 */
import { performance } from 'node:perf_hooks';
import { InProcessQueue } from '../src/queue/in-process-queue.js';
import type { JobQueue, QueuedJob } from '../src/queue/job-queue.js';
import { pgBossTestQueues } from '../test/support/queue-adapters.js';
import { onCleanup } from './exit-cleanup.js';
import { percentile } from './percentile.js';

export interface LatencyFigures {
  queue: string;
  items: number;
  enqueueMs: { p50: number; p95: number };
  handlerMs: { p50: number; p95: number };
}

async function measure(name: string, producer: JobQueue, consumer: JobQueue, items: number): Promise<LatencyFigures> {
  let arrived: ((at: number) => void) | undefined;
  await consumer.start(async () => arrived?.(performance.now()), { concurrency: 1 });
  const enqueue: number[] = [];
  const handler: number[] = [];
  for (let i = 0; i < items; i++) {
    const item: QueuedJob = { env_id: 'bench', job_id: `latency-${i}` };
    const handled = new Promise<number>((resolve) => (arrived = resolve));
    const t0 = performance.now();
    await producer.enqueue(item);
    enqueue.push(performance.now() - t0);
    handler.push((await handled) - t0);
  }
  await consumer.stop();
  const figures = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return { p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
  };
  return { queue: name, items, enqueueMs: figures(enqueue), handlerMs: figures(handler) };
}

export async function measureQueueLatency(items: number, withPgBoss: boolean): Promise<LatencyFigures[]> {
  const inProcess = new InProcessQueue();
  const out = [await measure('in-process', inProcess, inProcess, items)];
  if (withPgBoss) {
    const queues = await pgBossTestQueues();
    const unregister = onCleanup(queues.dispose);
    try {
      out.push(await measure('pg-boss (producer and consumer on separate connections)', await queues.open(), await queues.open(), items));
    } finally {
      unregister();
      await queues.dispose();
    }
  }
  return out;
}

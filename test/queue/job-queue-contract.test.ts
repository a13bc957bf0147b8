import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { JobQueue, QueuedJob } from '../../src/queue/job-queue.js';
import { forEachQueueAdapter, type OpenQueue } from '../support/queue-adapters.js';

const item = (n: number | string): QueuedJob => ({ env_id: 'env', job_id: `job-${n}` });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves once `check()` holds, polling; fails after 10 s (a missing delivery, not a slow one). */
async function eventually(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await sleep(20);
  }
}

/** A handler whose runs can be held open and released by the test. */
function gate() {
  const seen: string[] = [];
  const waiting: (() => void)[] = [];
  let running = 0;
  let maxRunning = 0;
  let held = true;
  return {
    seen,
    get running() {
      return running;
    },
    get maxRunning() {
      return maxRunning;
    },
    handler: async (i: QueuedJob): Promise<void> => {
      seen.push(i.job_id);
      running++;
      maxRunning = Math.max(maxRunning, running);
      try {
        if (held) await new Promise<void>((resolve) => waiting.push(resolve));
      } finally {
        running--;
      }
    },
    release() {
      held = false;
      for (const w of waiting.splice(0)) w();
    },
  };
}

function queueContract(name: string, open: OpenQueue, skip: string | false): void {
  describe(`job queue contract: ${name}`, { skip }, () => {
    const withQueue = async (body: (q: JobQueue) => Promise<void>) => {
      const { queue, dispose } = await open();
      try {
        await body(queue);
      } finally {
        await queue.stop();
        await dispose();
      }
    };

    test('hands every queued item to the handler once, never more than `concurrency` at a time', () =>
      withQueue(async (q) => {
        for (let n = 0; n < 8; n++) await q.enqueue(item(n));
        const g = gate();
        await q.start(g.handler, { concurrency: 3 });
        await eventually('3 running', () => g.running === 3);
        // The other five wait in the queue, not in a fourth handler.
        await eventually('5 waiting', async () => (await q.depth()) === 5);
        assert.equal(g.running, 3, 'a fourth handler started while three ran');
        g.release();
        await eventually('all 8 handled', () => g.seen.length === 8 && g.running === 0);
        assert.deepEqual([...g.seen].sort(), Array.from({ length: 8 }, (_, n) => `job-${n}`).sort());
        assert.equal(g.maxRunning, 3);
      }));

    test('an item already waiting is not queued twice, by enqueue or enqueueMany; depth counts waiting items', () =>
      withQueue(async (q) => {
        await q.enqueue(item('a'));
        await q.enqueue(item('a'));
        await q.enqueueMany([item('a'), item('b'), item('b')]);
        await q.enqueueMany([]);
        assert.equal(await q.depth(), 2);
        const g = gate();
        await q.start(g.handler, { concurrency: 1 });
        await eventually('one running', () => g.running === 1);
        assert.equal(await q.depth(), 1, 'the running item is no longer waiting');
        g.release();
        // Finished: nothing running and nothing waiting, so the duplicates were never queued.
        await eventually('both handled, nothing left', async () => g.seen.length === 2 && g.running === 0 && (await q.depth()) === 0);
        assert.deepEqual([...g.seen].sort(), ['job-a', 'job-b']);
        assert.equal(await q.depth(), 0);
      }));

    test('an item handed out may be queued again (the sweeper relies on it) and is delivered again', () =>
      withQueue(async (q) => {
        const g = gate();
        await q.start(g.handler, { concurrency: 2 });
        await q.enqueue(item('again'));
        await eventually('first delivery', () => g.seen.length === 1);
        await q.enqueue(item('again'));
        await eventually('second delivery', () => g.seen.length === 2);
        assert.deepEqual(g.seen, ['job-again', 'job-again']);
        g.release();
      }));

    test('stop waits for running handlers and takes nothing more; what is queued meanwhile waits for the next start', () =>
      withQueue(async (q) => {
        const g = gate();
        await q.start(g.handler, { concurrency: 2 });
        await q.enqueue(item(1));
        await eventually('running', () => g.running === 1);
        let stopped = false;
        const stopping = q.stop().then(() => (stopped = true));
        // What is checked is an absence (stop has not returned): only time can show it.
        await sleep(100);
        assert.equal(stopped, false, 'stop returned while a handler still ran');
        g.release();
        await stopping;
        await q.enqueue(item(2));
        // An absence again (nothing handed out while stopped): there is no event to wait for.
        await sleep(300);
        assert.deepEqual(g.seen, ['job-1'], 'an item was handed out after stop');
        assert.equal(await q.depth(), 1);
        await q.start(g.handler, { concurrency: 2 });
        await eventually('delivered after the restart', () => g.seen.length === 2);
      }));

    test('a handler that throws does not stop the queue', () =>
      withQueue(async (q) => {
        const seen: string[] = [];
        await q.start(
          async (i) => {
            seen.push(i.job_id);
            if (i.job_id === 'job-bad') throw new Error('boom');
          },
          { concurrency: 1 },
        );
        await q.enqueue(item('bad'));
        await q.enqueue(item('good'));
        await eventually('both handled', () => seen.length === 2);
        assert.deepEqual(seen, ['job-bad', 'job-good']);
      }));
  });
}

await forEachQueueAdapter(queueContract);

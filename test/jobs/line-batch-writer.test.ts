import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { LineBatchWriter } from '../../src/jobs/process/line-batch-writer.js';

/** A destination that never drains (a target that stopped reading), with a tiny buffer. */
const stuck = (): Writable => new Writable({ highWaterMark: 16, write: () => {} });

test('a destination closed without an error rejects a flush that must wait, instead of hanging the job', async () => {
  const out = stuck();
  const writer = new LineBatchWriter([out]);
  // Closed quietly, as a target's stdin is when the target has exited: no 'error' ever comes.
  out.destroy();
  await new Promise((r) => out.once('close', r));
  const line = Buffer.alloc(300 * 1024, 'x');
  const outcome = await Promise.race([
    Promise.resolve(writer.write(line)).then(
      () => 'resolved',
      (e: Error) => `rejected: ${e.message}`,
    ),
    new Promise((r) => setTimeout(() => r('still waiting after 2 s'), 2000)),
  ]);
  assert.match(String(outcome), /^rejected/);
});

test('a destination that closes while a flush waits for drain rejects it', async () => {
  const out = stuck();
  const writer = new LineBatchWriter([out]);
  const pending = writer.write(Buffer.alloc(300 * 1024, 'y'));
  assert.ok(pending, 'the flush waits for drain');
  out.destroy();
  await assert.rejects(pending!, /closed while data was pending/);
});

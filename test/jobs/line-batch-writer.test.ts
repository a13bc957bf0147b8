import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { LineBatchWriter } from '../../src/jobs/process/line-batch-writer.js';
import { until } from '../support/until.js';

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

/** A destination that records each write() it gets, draining at once. */
function recording(): { out: Writable; writes: string[] } {
  const writes: string[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writes.push(chunk.toString());
      done();
    },
  });
  return { out, writes };
}

test('lines read one at a time are written together, within milliseconds, not one write() per line', async () => {
  const { out, writes } = recording();
  const writer = new LineBatchWriter([out]);
  // As a tap that writes once per line is read: a line per chunk, each followed by flushSoon().
  for (let i = 0; i < 50; i++) {
    assert.equal(writer.write(Buffer.from(`{"n":${i}}`)), undefined);
    assert.equal(writer.flushSoon(), undefined);
  }
  assert.equal(writes.length, 0, 'nothing written yet: the lines wait for a few milliseconds');
  await until('the lines written', 2000, async () => writes.length > 0);
  assert.equal(writes.length, 1, 'one write for the 50 lines');
  assert.equal(writes[0], Array.from({ length: 50 }, (_, i) => `{"n":${i}}\n`).join(''));
  // A lone line later is not held back for company.
  writer.write(Buffer.from('{"n":"late"}'));
  writer.flushSoon();
  await until('the late line written', 2000, async () => writes.length === 2);
  await writer.end();
  assert.deepEqual(writes.slice(1), ['{"n":"late"}\n']);
});

test('a timed flush that a destination makes wait holds up the next write until it drains', async () => {
  let release: (() => void) | null = null;
  const out = new Writable({
    highWaterMark: 16,
    write(_chunk, _encoding, done) {
      // The first write is held until the test releases it; later ones go through.
      if (release === null) release = done;
      else done();
    },
  });
  const writer = new LineBatchWriter([out]);
  writer.write(Buffer.alloc(64, 'z'));
  writer.flushSoon();
  await until('the timed flush to reach the destination', 2000, async () => release !== null);
  const wait = writer.write(Buffer.from('next'));
  assert.ok(wait, 'the next write is told to wait for drain');
  let drained = false;
  void wait.then(() => {
    drained = true;
  });
  await new Promise((r) => setImmediate(r));
  assert.equal(drained, false);
  release!();
  await wait;
  await writer.end();
});

test('a destination that closes while a timed flush waits fails every later write, though no one was waiting', async () => {
  const out = stuck();
  const writer = new LineBatchWriter([out]);
  writer.write(Buffer.alloc(64, 'q'));
  // Nobody awaits what flushSoon returns here: the reader is waiting for its next chunk.
  writer.flushSoon();
  await until('the timed flush to be waiting for drain', 2000, async () => out.writableLength > 0);
  // Closed quietly, as a target that exited closes its stdin.
  out.destroy();
  await new Promise((r) => out.once('close', r));
  await until('the failure to be kept', 2000, async () => writer.failed(out) !== null);
  assert.throws(() => writer.write(Buffer.from('more')), /closed while data was pending/);
  await assert.rejects(writer.end(), /closed while data was pending/);
});

test('ending a writer whose destination was destroyed fails at once instead of waiting forever', async () => {
  const { out } = recording();
  const writer = new LineBatchWriter([out]);
  writer.write(Buffer.from('{"n":1}'));
  await writer.flush();
  out.destroy();
  const outcome = await Promise.race([
    writer.end().then(
      () => 'ended',
      (e: Error) => `rejected: ${e.message}`,
    ),
    new Promise((r) => setTimeout(() => r('still waiting after 2 s'), 2000)),
  ]);
  assert.match(String(outcome), /^rejected: the stream closed while data was pending/);
});

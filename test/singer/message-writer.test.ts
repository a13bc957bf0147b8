import assert from 'node:assert/strict';
import { once } from 'node:events';
import { PassThrough, Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { LosslessNumber } from '../../src/singer/lossless-json.js';
import { SingerWriter } from '../../src/singer/message-writer.js';

describe('SingerWriter', () => {
  test('one message per line, lossless numbers, raw lines untouched', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const writer = new SingerWriter(out);
    await writer.write({ type: 'RECORD', stream: 's', record: { id: new LosslessNumber('9007199254740993') } });
    await writer.writeRaw(Buffer.from('{"type": "STATE", "value": {"a": 1.50}}'));
    await writer.end();
    assert.equal(
      Buffer.concat(chunks).toString(),
      '{"type":"RECORD","stream":"s","record":{"id":9007199254740993}}\n{"type": "STATE", "value": {"a": 1.50}}\n',
    );
  });

  test('batches lines, returns a promise only when the stream asks to drain, and keeps order', async () => {
    const received: string[] = [];
    let writes = 0;
    const slow = new Writable({
      highWaterMark: 64,
      write(chunk: Buffer, _enc, done) {
        writes++;
        received.push(chunk.toString());
        setTimeout(done, 1); // a slow stream: the writer must wait for it to drain
      },
    });
    const writer = new SingerWriter(slow);
    const padding = 'x'.repeat(10_000);
    let promises = 0;
    for (let i = 0; i < 50; i++) {
      const r = writer.write({ type: 'STATE', value: { i, padding } });
      if (r) {
        promises++;
        await r;
      }
      // At most one batch (~64 KiB) past the stream's own high-water mark.
      assert.ok(slow.writableLength <= 64 + 80_000, `buffers ${slow.writableLength} bytes`);
    }
    await writer.end();
    assert.ok(promises > 0 && promises < 50, `${promises} waits`);
    assert.ok(writes < 15, `${writes} writes for 50 lines of 10 kB: lines go out in batches`);
    const lines = received.join('').trim().split('\n');
    assert.deepEqual(
      lines.map((l) => JSON.parse(l).value.i),
      [...Array(50).keys()],
    );
  });

  test('a batch that is not full goes out when the producer yields, without a flush', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const writer = new SingerWriter(out);
    writer.write({ type: 'STATE', value: { a: 1 } });
    writer.write({ type: 'STATE', value: { a: 2 } });
    assert.equal(chunks.length, 0, 'held while the producer runs');
    await once(out, 'data');
    assert.equal(Buffer.concat(chunks).toString(), '{"type":"STATE","value":{"a":1}}\n{"type":"STATE","value":{"a":2}}\n');
    assert.equal(chunks.length, 1, 'in one write');
  });

  test('an output error surfaces on the next write instead of crashing', async () => {
    const broken = new Writable({
      write(_chunk, _enc, done) {
        done(new Error('EPIPE simulated'));
      },
    });
    const writer = new SingerWriter(broken);
    writer.write({ type: 'STATE', value: {} });
    await assert.rejects(writer.flush(), /EPIPE simulated/);
    assert.throws(() => writer.write({ type: 'STATE', value: {} }), /EPIPE simulated/);
  });
});

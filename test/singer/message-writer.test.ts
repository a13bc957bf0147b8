import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { SingerWriter } from '../../src/singer/message-writer.js';
import { LosslessNumber } from '../../src/singer/lossless-json.js';

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

  test('returns a promise only when the stream asks to drain, and keeps order', async () => {
    const received: string[] = [];
    const slow = new Writable({
      highWaterMark: 64,
      write(chunk: Buffer, _enc, done) {
        received.push(chunk.toString());
        setTimeout(done, 1);
      },
    });
    const writer = new SingerWriter(slow);
    let promises = 0;
    for (let i = 0; i < 50; i++) {
      const r = writer.write({ type: 'STATE', value: { i } });
      if (r) {
        promises++;
        await r;
      }
      assert.ok(slow.writableLength <= 64 + 40, 'never buffers far past the high-water mark');
    }
    await writer.end();
    assert.ok(promises > 0 && promises < 50);
    const lines = received.join('').trim().split('\n');
    assert.deepEqual(lines.map((l) => JSON.parse(l).value.i), [...Array(50).keys()]);
  });

  test('an output error surfaces on the next write instead of crashing', async () => {
    const broken = new Writable({
      write(_chunk, _enc, done) {
        done(new Error('EPIPE simulated'));
      },
    });
    const writer = new SingerWriter(broken);
    await assert.rejects(async () => writer.write({ type: 'STATE', value: {} }), /EPIPE simulated/);
    assert.throws(() => writer.write({ type: 'STATE', value: {} }), /EPIPE simulated/);
  });
});

import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { SinewError } from '../../src/errors/sinew-error.js';
import { readLineBatches, readLines } from '../../src/singer/line-reader.js';
import { at } from '../support/elements.js';

async function collect(chunks: Array<Buffer | string>, maxLineBytes?: number): Promise<string[]> {
  const lines: string[] = [];
  const input = Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)));
  for await (const line of readLines(input, { maxLineBytes })) lines.push(line.toString('utf8'));
  return lines;
}

describe('readLines', () => {
  test('splits across chunk boundaries, drops empty lines and \\r, keeps a last unterminated line', async () => {
    assert.deepEqual(await collect(['a\nb', 'c\r\n\n', '\r\nd', 'e', '\nlast']), ['a', 'bc', 'de', 'last']);
  });

  test('a multi-byte character split between chunks survives', async () => {
    const bytes = Buffer.from('{"s":"简单"}\n');
    assert.deepEqual(await collect([bytes.subarray(0, 8), bytes.subarray(8)]), ['{"s":"简单"}']);
  });

  test('batches hold every line of a chunk', async () => {
    const batches: number[] = [];
    for await (const batch of readLineBatches(Readable.from([Buffer.from('1\n2\n3\n'), Buffer.from('4')]))) batches.push(batch.length);
    assert.deepEqual(batches, [3, 1]);
  });

  test('a 100 MiB line round-trips', async () => {
    const size = 100 * 1024 * 1024;
    const big = Buffer.alloc(size, 0x61);
    big[0] = 0x7b;
    big[size - 1] = 0x7d;
    const chunks: Buffer[] = [Buffer.from('first\n')];
    for (let off = 0; off < size; off += 64 * 1024) chunks.push(big.subarray(off, Math.min(size, off + 64 * 1024)));
    chunks.push(Buffer.from('\nafter\n'));
    const lines: Buffer[] = [];
    for await (const line of readLines(Readable.from(chunks))) lines.push(line);
    assert.equal(lines.length, 3);
    assert.equal(at(lines, 1).length, size);
    assert.ok(at(lines, 1).equals(big));
    assert.equal(at(lines, 2).toString(), 'after');
  });

  test('a line beyond the limit is a VALIDATION_FAILED error naming the limit', async () => {
    await assert.rejects(collect(['short\n', 'x'.repeat(40), 'y'.repeat(40), '\n'], 64), (error: unknown) => {
      assert.ok(error instanceof SinewError);
      assert.equal(error.code, 'VALIDATION_FAILED');
      assert.match(error.message, /64 bytes/);
      return true;
    });
  });
});

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parseJson } from '../../src/singer/lossless-json.js';
import { mergeIntoSnapshotFile } from '../../src/snapshots/snapshot-merge.js';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sinew-merge-'));
  try {
    await fn(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

describe('snapshot merge (by primary key, last write wins)', () => {
  test('updates in place, appends new records, and the last of duplicate keys wins', async () => {
    await withDir(async (dir) => {
      const file = path.join(dir, 'customers.jsonl');
      await fs.writeFile(file, '{"id":1,"v":"a"}\n{"id":2,"v":"b"}\n{"id":3,"v":"c"}\n');
      const result = await mergeIntoSnapshotFile(
        file,
        [
          { id: 2, v: 'B1' },
          { id: 4, v: 'D' },
          { id: 2, v: 'B2' },
          { id: 5, v: 'E1' },
          { id: 5, v: 'E2' },
        ],
        'id',
      );
      assert.deepEqual(result, { records: 5, inserted: 2, updated: 3 });
      assert.equal(
        await fs.readFile(file, 'utf8'),
        '{"id":1,"v":"a"}\n{"id":2,"v":"B2"}\n{"id":3,"v":"c"}\n{"id":4,"v":"D"}\n{"id":5,"v":"E2"}\n',
      );
      assert.deepEqual((await fs.readdir(dir)).sort(), ['customers.jsonl'], 'no temp files are left');
    });
  });

  test('creates the snapshot when it does not exist, from an async iterable', async () => {
    await withDir(async (dir) => {
      const file = path.join(dir, 'nested', 'new.jsonl');
      async function* records() {
        yield { id: 'x', n: 1 };
        yield { id: 'y', n: 2 };
      }
      assert.deepEqual(await mergeIntoSnapshotFile(file, records(), ['id']), { records: 2, inserted: 2, updated: 0 });
      assert.equal(await fs.readFile(file, 'utf8'), '{"id":"x","n":1}\n{"id":"y","n":2}\n');
    });
  });

  test('big numbers stay exact, as keys and as values; 1 and "1" are different keys', async () => {
    await withDir(async (dir) => {
      const file = path.join(dir, 'big.jsonl');
      await fs.writeFile(file, '{"id":12345678901234567890,"amount":0.10000000000000000001}\n{"id":1,"amount":1}\n');
      const incoming = parseJson(
        '[{"id":12345678901234567890,"amount":99999999999999999999.5},{"id":12345678901234567891,"amount":2},{"id":"1","amount":3}]',
      ) as Record<string, unknown>[];
      assert.deepEqual(await mergeIntoSnapshotFile(file, incoming, 'id'), { records: 4, inserted: 2, updated: 1 });
      assert.equal(
        await fs.readFile(file, 'utf8'),
        '{"id":12345678901234567890,"amount":99999999999999999999.5}\n{"id":1,"amount":1}\n{"id":12345678901234567891,"amount":2}\n{"id":"1","amount":3}\n',
      );
    });
  });

  test('composite keys; a record without its key is refused and the snapshot is left as it was', async () => {
    await withDir(async (dir) => {
      const file = path.join(dir, 'lines.jsonl');
      const before = '{"order":1,"line":1,"q":1}\n{"order":1,"line":2,"q":1}\n';
      await fs.writeFile(file, before);
      assert.deepEqual(
        await mergeIntoSnapshotFile(
          file,
          [
            { order: 1, line: 2, q: 5 },
            { order: 2, line: 1, q: 1 },
          ],
          ['order', 'line'],
        ),
        { records: 3, inserted: 1, updated: 1 },
      );
      const merged = await fs.readFile(file, 'utf8');
      assert.equal(merged, '{"order":1,"line":1,"q":1}\n{"order":1,"line":2,"q":5}\n{"order":2,"line":1,"q":1}\n');
      await assert.rejects(
        mergeIntoSnapshotFile(file, [{ order: 3, q: 1 }], ['order', 'line']),
        /record 1 given to snapshotRecords has no value for primary key "line"/,
      );
      assert.equal(await fs.readFile(file, 'utf8'), merged);
      assert.deepEqual(await fs.readdir(dir), ['lines.jsonl']);
    });
  });
});

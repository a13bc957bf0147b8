import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SnapshotStore } from '../../src/snapshots/snapshot-store.js';
import { LocalBlobStorage } from '../../src/storage/local-blob-storage.js';

async function withStore(fn: (store: SnapshotStore, root: string, tmp: string) => Promise<void>): Promise<void> {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sinew-snapshots-'));
  const root = path.join(tmp, 'storage');
  try {
    await fn(new SnapshotStore(new LocalBlobStorage(root)), root, tmp);
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const OLD = '{"id":1,"v":"old"}\n{"id":2,"v":"old"}\n';

describe('SnapshotStore on local storage', () => {
  test('write, list, read (numbers exact), delete; names are checked', async () => {
    await withStore(async (store, root) => {
      assert.deepEqual(
        await store.writeNdjson('t1', 'accounts', Readable.from([Buffer.from('{"id":1,"amount":12345678901234567890.10}\n\n{"id":2}')])),
        { records: 2 },
      );
      assert.deepEqual(await store.writeRecords('t1', 'orders', [{ id: 'a' }]), { records: 1 });
      const listed = await store.list('t1');
      assert.deepEqual(
        listed.map((s) => [s.name, s.bytes]),
        [
          ['accounts', 51],
          ['orders', 11],
        ],
      );
      assert.ok(listed.every((s) => typeof s.updated_at === 'string' && !Number.isNaN(Date.parse(s.updated_at))));
      assert.equal(
        await fs.readFile(path.join(root, 't1/snapshots/accounts.jsonl'), 'utf8'),
        '{"id":1,"amount":12345678901234567890.10}\n{"id":2}\n',
      );
      const records = await collect(store.read('t1', 'accounts'));
      assert.equal(String(records[0]!.amount), '12345678901234567890.10');
      assert.deepEqual(await store.list('t2'), []);
      assert.equal(await store.delete('t1', 'orders'), true);
      assert.equal(await store.delete('t1', 'orders'), false);
      await assert.rejects(collect(store.read('t1', 'orders')), /snapshot not found/);
      for (const bad of ['../x', 'a/b', '..', '.hidden', '']) {
        await assert.rejects(store.writeRecords('t1', bad, []), /invalid snapshot name/, bad);
      }
    });
  });

  test('a failing input while saving leaves the previous version whole', async () => {
    await withStore(async (store) => {
      await store.writeNdjson('t1', 'accounts', Readable.from([Buffer.from(OLD)]));
      async function* failing() {
        yield Buffer.from('{"id":1,"v":"new"}\n'.repeat(50_000));
        throw new Error('connection reset');
      }
      await assert.rejects(store.writeNdjson('t1', 'accounts', failing()), /connection reset/);
      await assert.rejects(
        store.writeNdjson('t1', 'accounts', Readable.from([Buffer.from('{"id":1}\nnot json\n')])),
        /line 2 is not valid JSON/,
      );
      await assert.rejects(
        store.writeRecords('t1', 'accounts', [{ id: 1 }, [2] as unknown as Record<string, unknown>]),
        /record 2 is not a JSON object/,
      );
      assert.equal((await collect(store.read('t1', 'accounts'))).map((r) => r.v).join(), 'old,old');
      assert.deepEqual(
        (await store.list('t1')).map((s) => [s.name, s.bytes]),
        [['accounts', OLD.length]],
      );
    });
  });

  test('a process killed (SIGKILL) while saving leaves the previous version whole', async () => {
    await withStore(async (store, root) => {
      await store.writeNdjson('t1', 'accounts', Readable.from([Buffer.from(OLD)]));
      const script = fileURLToPath(new URL('./fixtures/hang-while-saving.ts', import.meta.url));
      const child = spawn(process.execPath, ['--import', 'tsx', script, root, 't1', 'accounts'], { stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => d.toString().includes('HALF') && resolve());
        child.once('exit', () => reject(new Error('the saving process ended before it was half-way')));
      });
      const partial = (await fs.readdir(path.join(root, 't1/snapshots'))).filter((f) => f.endsWith('.tmp'));
      assert.equal(partial.length, 1, 'the new version was being written');
      assert.ok((await fs.stat(path.join(root, 't1/snapshots', partial[0]!))).size > OLD.length);
      child.kill('SIGKILL');
      await exited;
      assert.equal(await fs.readFile(path.join(root, 't1/snapshots/accounts.jsonl'), 'utf8'), OLD);
      assert.deepEqual(
        (await store.list('t1')).map((s) => s.name),
        ['accounts'],
        'the leftover temp file is not a snapshot',
      );
    });
  });

  test('stageInto copies snapshots and tenant-config.json; publishFrom saves changed, new and deleted ones only', async () => {
    await withStore(async (store, root, tmp) => {
      await store.writeNdjson('t1', 'keep', Readable.from([Buffer.from('{"id":1}\n')]));
      await store.writeNdjson('t1', 'change', Readable.from([Buffer.from('{"id":1}\n')]));
      await store.writeNdjson('t1', 'drop', Readable.from([Buffer.from('{"id":1}\n')]));
      const dir = path.join(tmp, 'job', 'snapshots');
      const staged = await store.stageInto('t1', dir, { currency: 'EUR', big: 12345678901234567890n });
      assert.deepEqual(
        staged.map((s) => s.name),
        ['change', 'drop', 'keep'],
      );
      assert.equal(await fs.readFile(path.join(dir, 'tenant-config.json'), 'utf8'), '{"currency":"EUR","big":12345678901234567890}\n');
      assert.equal(await fs.readFile(path.join(dir, 'keep.jsonl'), 'utf8'), '{"id":1}\n');
      assert.equal(
        await fs.readFile(path.join(root, 't1/snapshots/tenant-config.json'), 'utf8'),
        '{"currency":"EUR","big":12345678901234567890}\n',
        'saved beside the snapshots',
      );

      // Meanwhile another job of the tenant saves "keep": an untouched staged copy must not overwrite it.
      await store.writeNdjson('t1', 'keep', Readable.from([Buffer.from('{"id":1,"by":"other job"}\n')]));
      await fs.writeFile(path.join(dir, 'change.jsonl'), '{"id":1,"v":2}\n');
      await fs.rm(path.join(dir, 'drop.jsonl'));
      await fs.writeFile(path.join(dir, 'fresh.jsonl'), '{"id":9}\n');
      await fs.writeFile(path.join(dir, 'ignored.txt'), 'not a snapshot');
      const result = await store.publishFrom('t1', dir);
      assert.deepEqual(result, { saved: ['change', 'fresh'], deleted: ['drop'], unchanged: ['keep'] });
      assert.deepEqual(
        (await store.list('t1')).map((s) => s.name),
        ['change', 'fresh', 'keep'],
      );
      assert.deepEqual(await collect(store.read('t1', 'keep')), [{ id: 1, by: 'other job' }]);
      assert.deepEqual(await collect(store.read('t1', 'change')), [{ id: 1, v: 2 }]);

      // Without a config from the store, the saved copy is staged; a tenant with nothing gets {}.
      const again = path.join(tmp, 'job2', 'snapshots');
      await store.stageInto('t1', again);
      assert.match(await fs.readFile(path.join(again, 'tenant-config.json'), 'utf8'), /"currency":"EUR"/);
      const empty = path.join(tmp, 'job3', 'snapshots');
      assert.deepEqual(await store.stageInto('nobody', empty), []);
      assert.equal(await fs.readFile(path.join(empty, 'tenant-config.json'), 'utf8'), '{}\n');
    });
  });
});

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { isSinewError } from '../../src/errors/sinew-error.js';
import type { BlobStorage } from '../../src/storage/blob-storage.js';
import { LocalBlobStorage } from '../../src/storage/local-blob-storage.js';
import { PrefixedBlobStorage } from '../../src/storage/prefixed-blob-storage.js';
import { S3BlobStorage, type S3BlobStorageOptions } from '../../src/storage/s3-blob-storage.js';
import { type S3TestServer, startS3Server } from '../support/s3-server.js';

/** Small pages and batches, so that paging and batched deletes are exercised with few keys. */
interface OpenOptions {
  smallPages?: boolean;
}

interface Adapter {
  name: string;
  open(opts?: OpenOptions): Promise<BlobStorage>;
}

let s3: S3TestServer;
const tempDirs: string[] = [];
let bucketSeq = 0;

const adapters: Adapter[] = [
  {
    name: 'local disk',
    async open() {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sinew-blob-local-'));
      tempDirs.push(dir);
      return new LocalBlobStorage(dir);
    },
  },
  {
    // What the StorageRouter gives an environment without custom storage.
    name: "an environment's folder of the local disk (PrefixedBlobStorage)",
    async open() {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sinew-blob-prefixed-'));
      tempDirs.push(dir);
      return new PrefixedBlobStorage(new LocalBlobStorage(dir), 'env.one');
    },
  },
  {
    name: 'S3 (s3rver)',
    async open(opts = {}) {
      const options: S3BlobStorageOptions = { partSize: 5 * 1024 * 1024, queueSize: 2 };
      if (opts.smallPages) Object.assign(options, { listPageSize: 7, deleteBatchSize: 5 });
      // Every storage its own prefix in the one bucket: tests never see each other's keys.
      return new S3BlobStorage(s3.connection('contract', `run/${++bucketSeq}`), options);
    },
  },
];

const text = async (s: Readable | undefined): Promise<string | undefined> => {
  if (!s) return undefined;
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks).toString('utf8');
};

const rejectsInvalid = async (p: Promise<unknown>): Promise<void> => {
  await assert.rejects(p, (e: unknown) => isSinewError(e) && e.code === 'VALIDATION_FAILED');
};

/** A deterministic stream of `total` bytes in 1 MiB chunks, made as it is read (chunks this size are
 * mmap-allocated, so freed ones leave RSS at once and the figure shows what is really held). */
function generatedStream(total: number): { stream: Readable; sha256: () => string } {
  const hash = createHash('sha256');
  let sent = 0;
  let n = 0;
  const stream = new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      const size = Math.min(1024 * 1024, total - sent);
      const chunk = Buffer.alloc(size, `chunk ${n++} `);
      hash.update(chunk);
      sent += size;
      this.push(chunk);
    },
  });
  return { stream, sha256: () => hash.digest('hex') };
}

// A full GC on demand (without --expose-gc on the command line), so that memory figures are not
// the garbage of earlier tests.
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

before(async () => {
  s3 = await startS3Server(['contract']);
});

after(async () => {
  await s3.stop();
  for (const d of tempDirs) await fs.rm(d, { recursive: true, force: true });
});

for (const adapter of adapters) {
  describe(`BlobStorage contract: ${adapter.name}`, () => {
    test('put, get, getStream and list; a put replaces the whole blob', async () => {
      const st = await adapter.open();
      await st.put('t1/a.txt', 'alpha');
      await st.put('t1/sub/b.json', Buffer.from('{"b":1}'));
      await st.putStream('t1/sub/c.txt', Readable.from(['gam', 'ma']));
      await st.put('t1/a.txt', 'ALPHA, longer');
      assert.equal((await st.get('t1/a.txt'))?.toString(), 'ALPHA, longer');
      assert.equal(await text(await st.getStream('t1/sub/b.json')), '{"b":1}');
      const all = await st.list('t1');
      assert.deepEqual(
        all.map((e) => [e.key, e.size]),
        [
          ['t1/a.txt', 13],
          ['t1/sub/b.json', 7],
          ['t1/sub/c.txt', 5],
        ],
      );
      assert.ok(all.every((e) => e.updated && !Number.isNaN(Date.parse(e.updated))));
      assert.deepEqual(
        (await st.list('t1/sub/')).map((e) => e.key),
        ['t1/sub/b.json', 't1/sub/c.txt'],
      );
      assert.deepEqual(
        (await st.list('')).map((e) => e.key),
        ['t1/a.txt', 't1/sub/b.json', 't1/sub/c.txt'],
      );
    });

    test('missing keys: get and getStream answer undefined, list answers []', async () => {
      const st = await adapter.open();
      await st.put('present/x', 'x');
      assert.equal(await st.get('absent/x'), undefined);
      assert.equal(await st.getStream('present/y'), undefined);
      assert.deepEqual(await st.list('absent'), []);
      // A folder is a key boundary: `pre` does not list `present/…`.
      assert.deepEqual(await st.list('pre'), []);
      await st.deletePrefix('absent'); // nothing to delete is not an error
    });

    test('keys with odd characters round-trip', async () => {
      const st = await adapter.open();
      const keys = [
        'odd/with space.txt',
        'odd/plus+and%25percent.txt',
        'odd/hash#question?.txt',
        'odd/ünïcødé-雪.txt',
        "odd/amp&eq=quote'.txt",
        'odd/(paren) [bracket].txt',
      ];
      for (const [i, key] of keys.entries()) await st.put(key, `value ${i}`);
      for (const [i, key] of keys.entries()) assert.equal((await st.get(key))?.toString(), `value ${i}`, key);
      assert.deepEqual((await st.list('odd')).map((e) => e.key).sort(), [...keys].sort());
    });

    test('keys that could escape the root are refused', async () => {
      const st = await adapter.open();
      await rejectsInvalid(st.put('a/../../etc/passwd', 'x'));
      await rejectsInvalid(st.putStream('../x', Readable.from(['x'])));
      await rejectsInvalid(st.get('..'));
      await rejectsInvalid(st.getStream('a/./b'));
      await rejectsInvalid(st.list('../'));
      await rejectsInvalid(st.deletePrefix('a/..'));
      await rejectsInvalid(st.put('/absolute', 'x'));
      await rejectsInvalid(st.openWorkspace('jobs/../..'));
    });

    test('list pages through many keys; deletePrefix removes a folder (in batches) and an exact key', async () => {
      const st = await adapter.open({ smallPages: true });
      const keys = Array.from({ length: 33 }, (_, i) => `many/k${String(i).padStart(3, '0')}.txt`);
      await Promise.all(keys.map((k) => st.put(k, k)));
      await st.put('many-sibling/keep.txt', 'keep');
      await st.put('single/file.txt', 'f');
      await st.put('single/file.txt.bak', 'keep');
      assert.deepEqual(
        (await st.list('many')).map((e) => e.key),
        keys,
      );
      await st.deletePrefix('many');
      assert.deepEqual(await st.list('many'), []);
      await st.deletePrefix('single/file.txt');
      assert.deepEqual(
        (await st.list('')).map((e) => e.key),
        ['many-sibling/keep.txt', 'single/file.txt.bak'],
      );
    });

    test('putStream of 120 MB streams: memory does not grow by the size; getStream reads it back', async (t) => {
      const st = await adapter.open();
      const total = 120 * 1024 * 1024;
      const { stream, sha256 } = generatedStream(total);
      const commands: string[] = [];
      if (st instanceof S3BlobStorage) {
        // Observes which S3 calls the SDK makes (our code is not replaced, only watched).
        st.client.middlewareStack.add(
          (next, context) => (args) => {
            commands.push(String(context.commandName));
            return next(args);
          },
          { step: 'initialize' },
        );
      }
      collectGarbage();
      const baseline = process.memoryUsage.rss();
      let peak = baseline;
      // Collecting before each sample makes RSS follow what is held, not garbage waiting for a GC.
      const sampler = setInterval(() => {
        collectGarbage();
        peak = Math.max(peak, process.memoryUsage.rss());
      }, 100);
      try {
        await st.putStream('big/blob.bin', stream);
      } finally {
        clearInterval(sampler);
      }
      const grown = (peak - baseline) / 1024 / 1024;
      t.diagnostic(`${adapter.name}: RSS +${grown.toFixed(1)} MiB at most while uploading 120 MiB`);
      // Holding the stream would grow RSS by 120 MiB; parts in flight and GC slack stay well below.
      assert.ok(grown < 70, `RSS grew by ${grown.toFixed(1)} MiB while uploading 120 MiB`);
      assert.deepEqual(
        (await st.list('big')).map((e) => [e.key, e.size]),
        [['big/blob.bin', total]],
      );
      const back = createHash('sha256');
      for await (const c of (await st.getStream('big/blob.bin'))!) back.update(c as Buffer);
      assert.equal(back.digest('hex'), sha256());
      if (st instanceof S3BlobStorage) {
        const count = (name: string): number => commands.filter((c) => c === name).length;
        assert.equal(count('CreateMultipartUploadCommand'), 1, commands.join());
        assert.equal(count('UploadPartCommand'), 24, '120 MiB in 5 MiB parts');
        assert.equal(count('CompleteMultipartUploadCommand'), 1);
        assert.equal(count('PutObjectCommand'), 0);
      }
    });

    test('a workspace publishes its files to storage; a re-opened workspace sees them', async () => {
      const st = await adapter.open();
      await st.put('job/1/config.json', '{"old":true}');
      await st.put('job/1/stale.txt', 'to be removed');
      await st.put('job/10/other.txt', 'another job root');
      const ws = await st.openWorkspace('job/1');
      assert.equal(await fs.readFile(path.join(ws.dir, 'config.json'), 'utf8'), '{"old":true}');
      assert.deepEqual((await fs.readdir(ws.dir)).sort(), ['config.json', 'stale.txt']);
      await fs.mkdir(path.join(ws.dir, 'sync-output'), { recursive: true });
      await fs.writeFile(path.join(ws.dir, 'sync-output', 'data.singer'), 'line 1\n');
      await fs.writeFile(path.join(ws.dir, 'config.json'), '{"new":1}');
      await fs.rm(path.join(ws.dir, 'stale.txt'));
      await ws.publish();
      assert.deepEqual(
        (await st.list('job/1')).map((e) => e.key),
        ['job/1/config.json', 'job/1/sync-output/data.singer'],
      );
      assert.equal((await st.get('job/1/config.json'))?.toString(), '{"new":1}');
      // A second publish sends what changed since the first.
      await fs.appendFile(path.join(ws.dir, 'sync-output', 'data.singer'), 'line 2\n');
      await ws.publish();
      assert.equal((await st.get('job/1/sync-output/data.singer'))?.toString(), 'line 1\nline 2\n');
      await ws.dispose();
      if (st.kind === 's3') await assert.rejects(fs.access(ws.dir), 'the temp dir is removed');

      const again = await st.openWorkspace('job/1');
      assert.equal(await fs.readFile(path.join(again.dir, 'sync-output', 'data.singer'), 'utf8'), 'line 1\nline 2\n');
      assert.equal(await fs.readFile(path.join(again.dir, 'config.json'), 'utf8'), '{"new":1}');
      await again.dispose();
      assert.equal((await st.get('job/10/other.txt'))?.toString(), 'another job root', 'a sibling root is untouched');
    });
  });
}

describe('LocalBlobStorage: deleting a job root', () => {
  test('removes the date folders it leaves empty, and no folder that still holds anything', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sinew-blob-local-'));
    tempDirs.push(dir);
    const st = new LocalBlobStorage(dir);
    const jobs = 't/flows/f/jobs';
    await st.put(`${jobs}/2025/11/01/10/05/old/state.json`, '{}');
    await st.put(`${jobs}/2025/11/01/10/05/old/logs/job.log`, 'x');
    await st.put(`${jobs}/2025/12/07/01/50/new/state.json`, '{}');
    await st.deletePrefix(`${jobs}/2025/11/01/10/05/old/`);
    // Retention used to leave 11/01/10/05 behind, one empty chain per pruned job.
    assert.deepEqual(await fs.readdir(path.join(dir, jobs, '2025')), ['12']);
    assert.equal((await st.get(`${jobs}/2025/12/07/01/50/new/state.json`))?.toString(), '{}');
    await st.deletePrefix(`${jobs}/2025/12/07/01/50/new/`);
    // The last one goes up to the storage root, which stays.
    assert.deepEqual(await fs.readdir(dir), []);
    await st.put('again/x', 'x');
    assert.equal((await st.get('again/x'))?.toString(), 'x');
  });
});

describe('LocalBlobStorage: writes racing a delete in the same folder', () => {
  test('a put or putStream into the folder a delete empties and removes still lands', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sinew-blob-local-'));
    tempDirs.push(dir);
    const st = new LocalBlobStorage(dir);
    // Without the retry in openInFolder, about one round in ten lost its write to ENOENT here.
    for (let i = 0; i < 300; i++) {
      await st.put(`t/snapshots/a${i}`, 'a');
      const write = i % 2 === 0 ? st.put(`t/snapshots/b${i}`, 'b') : st.putStream(`t/snapshots/b${i}`, Readable.from(['b']));
      await Promise.all([st.deletePrefix(`t/snapshots/a${i}`), write]);
      assert.equal((await st.get(`t/snapshots/b${i}`))?.toString(), 'b', `round ${i}`);
      await st.deletePrefix(`t/snapshots/b${i}`);
    }
  });
});

describe('S3BlobStorage beyond one page', () => {
  test("list and deletePrefix with more than 1000 keys at S3's own page size", async () => {
    const st = new S3BlobStorage(s3.connection('contract', 'thousand'));
    const keys = Array.from({ length: 1005 }, (_, i) => `k/${String(i).padStart(4, '0')}`);
    const commands: string[] = [];
    st.client.middlewareStack.add(
      (next, context) => (args) => {
        commands.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize' },
    );
    for (let i = 0; i < keys.length; i += 25) await Promise.all(keys.slice(i, i + 25).map((k) => st.put(k, 'v')));
    const listed = await st.list('k');
    assert.equal(listed.length, 1005);
    assert.deepEqual(
      listed.map((e) => e.key),
      keys,
    );
    assert.equal(commands.filter((c) => c === 'ListObjectsV2Command').length, 2, 'two pages: 1000 + 5');
    await st.deletePrefix('k');
    assert.deepEqual(await st.list('k'), []);
    assert.equal(commands.filter((c) => c === 'DeleteObjectsCommand').length, 3, 'the exact key, then one call per page');
    st.close();
  });
});

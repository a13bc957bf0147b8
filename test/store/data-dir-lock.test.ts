import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { lockDataDir } from '../../src/store/data-dir-lock.js';

test('a data dir is locked once: a second lock is CONFLICT naming the dir and the holder; released, it can be taken again', async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'sinew-lock-'));
  try {
    const dir = path.join(root, 'not-yet-there');
    const first = await lockDataDir(dir);
    assert.equal((await fs.readFile(path.join(dir, 'sinew.pid'), 'utf8')).trim(), String(process.pid));
    await assert.rejects(lockDataDir(dir), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'CONFLICT');
      assert.equal(
        e.message,
        `the data dir ${dir} is in use by another Sinew process (pid ${process.pid}): an embedded (SQLite) data dir belongs to one process; stop that one or set another SINEW_DATA_DIR`,
      );
      return true;
    });
    first.release();
    await assert.rejects(fs.access(path.join(dir, 'sinew.pid')), 'the pid file goes with the lock');
    const again = await lockDataDir(dir);
    again.release();
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});

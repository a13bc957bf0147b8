import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';
import { run, sinew, tempDir } from './cli-process.js';

/** Both `sinew serve` (the same SQLite data dir) and `sinew migrate` on it are refused while a server holds it. */
test('one SQLite data dir, one process: a second serve (or a migrate) exits 1 naming the dir and the holder, the first keeps serving; after a SIGKILL the next serve takes over', async () => {
  const { dir, remove } = await tempDir('lock');
  const env = { SINEW_DATA_DIR: dir };
  const servers: ServerProcess[] = [];
  try {
    const first = await startServerProcess(env);
    servers.push(first);
    const before = (await fs.readdir(dir)).sort();
    const expected = `sinew: CONFLICT: the data dir ${dir} is in use by another Sinew process (pid ${first.child.pid}): an embedded (SQLite) data dir belongs to one process; stop that one or set another SINEW_DATA_DIR\n`;
    const refused = await Promise.all(
      [sinew('serve'), sinew('migrate')].map((command) => run(command, { env: { ...env, PORT: '0' }, timeoutMs: 90_000 })),
    );
    for (const r of refused) {
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stderr, expected, 'one line, no stack trace');
    }
    assert.deepEqual((await fs.readdir(dir)).sort(), before, 'the refused processes created nothing');
    assert.equal((await fetch(`${first.url}/health`)).status, 200, 'the first still serves');

    // SIGKILL: no clean exit, the pid file stays behind naming a dead process; the OS dropped the lock.
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const next = await startServerProcess(env);
    servers.push(next);
    assert.equal((await fetch(`${next.url}/health`)).status, 200);
    assert.equal((await fs.readFile(path.join(dir, 'sinew.pid'), 'utf8')).trim(), String(next.child.pid));
    next.child.kill('SIGTERM');
    await new Promise((resolve) => next.child.once('exit', resolve));
    assert.equal(next.child.exitCode, 0, next.stderr());
    await assert.rejects(fs.access(path.join(dir, 'sinew.pid')), 'a clean exit removes the pid file');
  } finally {
    for (const s of servers) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    await remove();
  }
});

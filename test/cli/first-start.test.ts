import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { describe, test } from 'node:test';
import { startRole } from '../support/role-process.js';
import { cleanEnv, finished, REPO_ROOT, run, sinew, start, tempDir } from './cli-process.js';

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** Runs a line exactly as a newcomer pastes it into a shell (the repository as working directory). */
function shell(line: string, env: Record<string, string> = {}) {
  return finished(spawn('sh', ['-c', line], { cwd: REPO_ROOT, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] }), 120_000);
}

/**
 * Issue #13, items 1–3: the commands the start-up message prints work as printed on another port,
 * a taken port fails before anything is created (so no key is made and lost), and
 * `sinew keys create` is the way back in.
 */
describe('the first start', () => {
  test('a taken port: one clear line, nothing created; then the printed commands work as printed on that port, and keys create gets back in', async () => {
    const { dir, remove } = await tempDir('first-start');
    const dataDir = path.join(dir, 'data');
    const port = await freePort();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen({ host: '127.0.0.1', port }, resolve));
    try {
      const refused = await finished(start(sinew('serve'), { env: { PORT: String(port), SINEW_DATA_DIR: dataDir } }), 60_000);
      assert.equal(refused.code, 1, refused.stderr);
      assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
      assert.match(refused.stderr, new RegExp(`^sinew: UNAVAILABLE: 127\\.0\\.0\\.1:${port} is already in use`));
      await assert.rejects(fs.access(dataDir), 'nothing was created: the next start still makes (and prints) the first key');
      await new Promise<void>((resolve) => blocker.close(() => resolve()));

      // First start on that port: the key is printed, and so are commands that reach this server.
      const first = await startRole('serve', { PORT: String(port), SINEW_DATA_DIR: dataDir, SINEW_EXAMPLE: 'true' });
      const key = /Environment API key \(shown once, keep it\): (\S+)/.exec(first.stderr())?.[1];
      assert.ok(key, first.stderr());
      assert.doesNotMatch(first.stderr(), /Warning/, 'the first screen has no warnings before the key');
      // The printed address of the interactive API docs serves them.
      const docsUrl = /API docs: +(\S+)/.exec(first.stderr())?.[1];
      assert.equal(docsUrl, `http://127.0.0.1:${port}/docs`, first.stderr());
      const docs = await fetch(docsUrl!);
      assert.equal(docs.status, 200);
      assert.match(await docs.text(), /swagger-ui/);
      const cli = first
        .stderr()
        .split('\n')
        .find((l) => l.includes('npx sinew jobs run'))!
        .replace(/^\s*or: /, '');
      assert.match(cli, new RegExp(`SINEW_URL=http://127\\.0\\.0\\.1:${port} `));
      const ran = await shell(cli);
      assert.equal(ran.code, 0, `${cli}\n${ran.stderr}`);
      assert.match(ran.stdout + ran.stderr, /JOB_COMPLETED/);
      await first.stop();

      // A restart prints no key, and commands that expand $SINEW_API_KEY (double quotes).
      const second = await startRole('serve', { PORT: String(port), SINEW_DATA_DIR: dataDir, SINEW_EXAMPLE: 'true' });
      const curl = second
        .stderr()
        .split('\n')
        .find((l) => l.trim().startsWith('curl '))!
        .trim();
      assert.match(curl, /-H "x-api-key: \$SINEW_API_KEY"/);
      const posted = await shell(`${curl}`, { SINEW_API_KEY: key! });
      assert.equal(posted.code, 0, posted.stderr);
      assert.match(posted.stdout, /"job_id"/, posted.stdout);
      assert.match(second.stderr(), /sinew keys create/);
      await second.stop();

      // The key lost: `sinew keys create` on the data dir mints one that the next start accepts.
      const minted = await run(sinew('keys', 'create'), { env: { SINEW_DATA_DIR: dataDir } });
      assert.equal(minted.code, 0, minted.stderr);
      const newKey = minted.stdout.trim();
      assert.match(newKey, /^sk_[A-Za-z0-9_-]{20,}$/);
      const third = await startRole('serve', { PORT: String(port), SINEW_DATA_DIR: dataDir });
      try {
        const res = await fetch(`${third.url}/dev.sinew.local/flows`, { headers: { 'x-api-key': newKey } });
        assert.equal(res.status, 200, await res.text());
        // While a server holds the data dir, keys create is refused, naming it.
        const busy = await run(sinew('keys', 'create'), { env: { SINEW_DATA_DIR: dataDir } });
        assert.equal(busy.code, 1);
        assert.match(busy.stderr, /CONFLICT/);
      } finally {
        await third.stop();
      }
    } finally {
      blocker.close();
      await remove();
    }
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startRole } from '../support/role-process.js';
import { run, sinew, tempDir } from './cli-process.js';

/** `sinew env list|create`: more environments on one server, each with its own key (issue #13). */
describe('sinew env', () => {
  test('create prints a key that works for that environment only; list shows every environment; a second create is refused', async () => {
    const { dir, remove } = await tempDir('env-command');
    try {
      const env = { SINEW_DATA_DIR: dir };
      const made = await run(sinew('env', 'create', 'staging.example'), { env });
      assert.equal(made.code, 0, made.stderr);
      const key = made.stdout.trim();
      assert.match(key, /^sk_/);
      assert.match(made.stderr, /public key: pk_/);
      const again = await run(sinew('env', 'create', 'staging.example'), { env });
      assert.equal(again.code, 1);
      assert.match(again.stderr, /CONFLICT: environment staging\.example exists already/);
      assert.equal((await run(sinew('env', 'create', 'bad id!'), { env })).code, 1);
      assert.equal((await run(sinew('env', 'nonsense'), { env })).code, 2);

      const server = await startRole('serve', { SINEW_DATA_DIR: dir, SINEW_ENV_ID: 'prod.example' });
      try {
        assert.equal((await fetch(`${server.url}/staging.example/flows`, { headers: { 'x-api-key': key } })).status, 200);
        assert.equal(
          (await fetch(`${server.url}/prod.example/flows`, { headers: { 'x-api-key': key } })).status,
          404,
          "another environment's key sees nothing there",
        );
      } finally {
        await server.stop();
      }
      const listed = await run(sinew('env', 'list'), { env });
      assert.equal(listed.code, 0, listed.stderr);
      assert.deepEqual(
        listed.stdout
          .trim()
          .split('\n')
          .map((l) => l.split('\t')[0])
          .sort(),
        ['prod.example', 'staging.example'],
      );
    } finally {
      await remove();
    }
  });
});

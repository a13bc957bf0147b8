import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { run, sinew } from './cli-process.js';

/** `sinew keys list|create|revoke` through the API, as a child process (issue #13). */
describe('sinew keys through the API', () => {
  let h: Harness;
  let env: Record<string, string>;
  before(async () => {
    h = await startHarness();
    env = { SINEW_URL: h.url, SINEW_API_KEY: h.key, SINEW_ENV_ID: h.envId };
  });
  after(() => h.stop());

  test('create prints the key alone on stdout; list shows ids, never keys; revoke stops it', async () => {
    const made = await run(sinew('keys', 'create', '--kind', 'public', '--name', 'widget'), { env });
    assert.equal(made.code, 0, made.stderr);
    const key = made.stdout.trim();
    assert.match(key, /^pk_[A-Za-z0-9_-]+$/);
    const id = /id ([0-9a-f]{16})/.exec(made.stderr)?.[1];
    assert.ok(id, made.stderr);

    const listed = await run(sinew('keys', 'list'), { env });
    assert.equal(listed.code, 0, listed.stderr);
    const line = listed.stdout.split('\n').find((l) => l.startsWith(id!));
    assert.match(line ?? '', new RegExp(`^${id}\\tpublic\\tpk_....…\\t\\S+\\twidget$`));
    assert.ok(!listed.stdout.includes(key) && !listed.stdout.includes(h.key));

    const revoked = await run(sinew('keys', 'revoke', id!), { env });
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.ok(!(await run(sinew('keys', 'list'), { env })).stdout.includes(id!));
    const again = await run(sinew('keys', 'revoke', id!), { env });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /NOT_FOUND/);
  });

  test('without a key only `keys create` (on the data dir) is possible; a wrong call is a usage error', async () => {
    const noKey = await run(sinew('keys', 'list'), { env: { SINEW_URL: h.url } });
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /needs an API key/);
    assert.equal((await run(sinew('keys', 'rotate'), { env })).code, 2);
  });
});

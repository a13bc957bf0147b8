import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { run, sinew } from './cli-process.js';

/** `sinew connectors install <id>` follows the install through the API and exits 0 or 1 (issue #18). */
describe('sinew connectors install', () => {
  let h: Harness;
  let env: Record<string, string>;
  before(async () => {
    h = await startHarness();
    env = { SINEW_URL: h.url, SINEW_API_KEY: h.key, SINEW_ENV_ID: h.envId };
  });
  after(() => h.stop());

  test('an install that works exits 0 and prints its log; one that fails exits 1 and says why', async () => {
    const dir = await h.tmp('cli-tap');
    await fs.writeFile(
      path.join(dir, 'tap-cli'),
      '#!/bin/sh\necho "usage: tap-cli --config CONFIG [--discover] [--catalog CATALOG] [--state STATE]"\n',
      { mode: 0o755 },
    );
    assert.equal(
      (await h.api('PUT', `/${h.envId}/connectors/tap-cli`, { kind: 'source', install: { path: dir }, command: ['tap-cli'] })).status,
      200,
    );
    const ok = await run(sinew('connectors', 'install', 'tap-cli'), { env });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /copying /);
    assert.match(ok.stderr, /tap-cli installed \(probed: help\)/);

    assert.equal(
      (await h.api('PUT', `/${h.envId}/connectors/tap-gone`, { kind: 'source', install: { path: path.join(dir, 'missing') } })).status,
      200,
    );
    const failed = await run(sinew('connectors', 'install', 'tap-gone'), { env });
    assert.equal(failed.code, 1, failed.stderr);
    assert.match(failed.stderr, /install failed: .*does not exist/);

    const unknown = await run(sinew('connectors', 'install', 'tap-nobody'), { env });
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /NOT_FOUND/);
    assert.equal((await run(sinew('connectors', 'install'), { env })).code, 2);

    const cat = await run(sinew('connectors', 'catalogue'), { env });
    assert.equal(cat.code, 0, cat.stderr);
    assert.match(cat.stdout, /^target-postgres\ttarget\t.*pip: pipelinewise-target-postgres$/m);
  });
});

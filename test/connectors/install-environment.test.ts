import assert from 'node:assert/strict';
import { test } from 'node:test';
import { installEnvironment } from '../../src/connectors/install/package-builders.js';

test("an install gets the owner's package-index settings, never npm's own locations (Sinew started by npm start)", () => {
  const env = installEnvironment({
    PATH: '/usr/bin',
    // What `npm start` / `npm test` put in Sinew's environment: an install given these worked on Sinew's own node_modules.
    npm_config_local_prefix: '/srv/sinew',
    npm_config_prefix: '/srv/sinew',
    npm_config_global_prefix: '/usr',
    npm_config_userconfig: '/root/.npmrc',
    npm_lifecycle_event: 'start',
    npm_package_name: 'sinew',
    INIT_CWD: '/srv/sinew',
    PIP_TARGET: '/srv/sinew',
    PIP_PREFIX: '/srv',
    // The owner's index settings pass.
    npm_config_registry: 'https://npm.example.internal/',
    'npm_config_@acme:registry': 'https://npm.acme.internal/',
    npm_config_cafile: '/etc/ssl/acme.pem',
    PIP_INDEX_URL: 'https://pypi.example.internal/simple',
    PIP_FIND_LINKS: '/srv/wheels',
  });
  assert.deepEqual(
    Object.keys(env)
      .filter((k) => /^(npm_|PIP_|INIT_CWD)/i.test(k))
      .sort(),
    ['PIP_FIND_LINKS', 'PIP_INDEX_URL', 'npm_config_@acme:registry', 'npm_config_cafile', 'npm_config_registry'],
  );
});

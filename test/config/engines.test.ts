import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import semver from 'semver';

const read = (file: string) => JSON.parse(fs.readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'));

/**
 * `engines.node` says which Node versions Sinew runs on; every installed package must agree, or
 * `npm ci` warns EBADENGINE on the oldest supported Node (issue #13, item 10) — and that package
 * may really not work there.
 */
test('every package in the lock file runs on the oldest Node that engines.node allows', () => {
  const range: string = read('package.json').engines.node;
  const oldest = semver.minVersion(range);
  assert.ok(oldest, `engines.node ${range}`);
  const disagree = Object.entries(read('package-lock.json').packages as Record<string, { engines?: { node?: string } }>)
    .filter(([name, p]) => name !== '' && typeof p.engines?.node === 'string' && !semver.satisfies(oldest, p.engines.node))
    .map(([name, p]) => `${name} wants node ${p.engines!.node}`);
  assert.deepEqual(disagree, [], `engines.node is ${range}`);
});

/**
 * npm runs a dependency's install script only when `allowScripts` says so, and ends `npm ci` with a
 * warning for every one it does not name: each must be allowed (it is needed) or denied (telemetry,
 * or a fallback Sinew does not use), so a newcomer's first command ends without warnings.
 */
test('every package in the lock file with an install script is allowed or denied in allowScripts', () => {
  const allowScripts: Record<string, boolean> = read('package.json').allowScripts ?? {};
  const unreviewed = Object.entries(read('package-lock.json').packages as Record<string, { hasInstallScript?: boolean }>)
    .filter(([name, p]) => name !== '' && p.hasInstallScript)
    .map(([name]) => name.slice(name.lastIndexOf('node_modules/') + 'node_modules/'.length))
    // An entry is the name alone or pinned to versions (`pkg@1.2.3`, what `approve` writes).
    .filter((pkg) => !Object.keys(allowScripts).some((entry) => entry === pkg || entry.startsWith(`${pkg}@`)));
  assert.deepEqual(unreviewed, [], 'add each to allowScripts in package.json (npm install-scripts approve|deny)');
});

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

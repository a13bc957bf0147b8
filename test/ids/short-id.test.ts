import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newFlowId, newJobId } from '../../src/ids/short-id.js';

test('job and flow ids are URL-safe and never start with "-" (it would read as a command-line option)', () => {
  const ids = [...Array.from({ length: 20_000 }, newJobId), ...Array.from({ length: 2_000 }, newFlowId)];
  for (const id of ids) assert.match(id, /^[A-Za-z0-9][A-Za-z0-9_-]+$/);
  assert.equal(new Set(ids).size, ids.length);
  assert.ok(
    ids.some((id) => id.slice(1).includes('-')),
    'the rest of an id still uses the whole alphabet',
  );
});

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { test } from 'node:test';
import { API_TYPES_FILE, renderApiTypes } from '../../scripts/api-types.js';
import { startHarness } from '../support/sinew-harness.js';

/**
 * src/contract/sinew-api.ts types the CLI's client (src/cli/api-client.ts): generated from
 * /openapi.json, it must be what the served document generates now, or the client is typed by a
 * contract the server no longer has. The fix is `npm run api:types`.
 */
test('the generated API types are those of the /openapi.json a server serves now', async () => {
  const h = await startHarness();
  try {
    const res = await h.api('GET', '/openapi.json', undefined, { key: null });
    assert.equal(res.status, 200, res.text);
    const expected = await renderApiTypes(res.body);
    const actual = await fs.readFile(API_TYPES_FILE, 'utf8');
    assert.ok(actual === expected, `${API_TYPES_FILE} is stale: run \`npm run api:types\` and commit it`);
  } finally {
    await h.stop();
  }
});

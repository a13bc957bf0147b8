import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { until } from '../support/until.js';
import { reportSecrets } from './attack-tally.js';

const TAP = fileURLToPath(new URL('../fixtures/security/tap-prints-config.mjs', import.meta.url));
const PASSWORD = `discover-pw-${Math.random().toString(36).slice(2, 12)}`;

/**
 * A discover started through the API runs the linked tap with the link's config; a tap that prints
 * its config and password to stderr and fails must not hand them to whoever polls the discover
 * (issue #12, item 4: the tenant reads that error).
 */
describe("a failed discover's error is scrubbed of the link's config", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    assert.equal(
      (await h.api('PUT', `/${h.envId}/connectors/tap-prints-config`, { kind: 'source', command: [process.execPath, TAP] })).status,
      200,
    );
    assert.equal((await h.api('PUT', `/${h.envId}/flows/bi`, { name: 'bi', type: 'v2', connectors: ['tap-prints-config'] })).status, 200);
  });
  after(() => h.stop());

  test('the poll shows the tap failed, with *** where its password was', async (t) => {
    const base = `/v2/${h.envId}/bi/t1/linkedConnectors`;
    const linked = await h.api('POST', base, {
      connector_id: 'tap-prints-config',
      config: { user: 'integration-user', password: PASSWORD },
    });
    assert.equal(linked.status, 200, linked.text);
    assert.equal((await h.api('POST', `${base}/discover`)).status, 200);
    const done = await until('the discover ends', 30_000, async () => {
      const poll = await h.api('GET', `${base}/discover/poll`);
      return poll.body.status !== 'DISCOVER_STARTED' ? poll : undefined;
    });
    assert.equal(done.body.status, 'DISCOVER_FAILED', done.text);
    assert.match(done.body.error, /authentication failed for \*\*\* with password \*\*\*/);
    const events = await h.api('GET', `/${h.envId}/events`);
    reportSecrets(
      t,
      1,
      [done.text, events.text].filter((text) => text.includes(PASSWORD)).length,
      'a failed discover: its poll and events',
    );
    assert.ok(!done.text.includes(PASSWORD), done.text);
    assert.ok(!events.text.includes(PASSWORD));
  });

  test("a discovered catalog keeps the names the config shares, not the config's password", async (t) => {
    const base = `/v2/${h.envId}/bi/t2/linkedConnectors`;
    const linked = await h.api('POST', base, {
      connector_id: 'tap-prints-config',
      config: { mode: 'catalog', user: 'integration-user', password: PASSWORD },
    });
    assert.equal(linked.status, 200, linked.text);
    assert.equal((await h.api('POST', `${base}/discover`)).status, 200);
    const done = await until('the discover ends', 30_000, async () => {
      const poll = await h.api('GET', `${base}/discover/poll`);
      return poll.body.status !== 'DISCOVER_STARTED' ? poll : undefined;
    });
    assert.equal(done.body.status, 'DISCOVER_SUCCESS', done.text);
    const stream = done.body.catalog.streams[0];
    assert.equal(stream.tap_stream_id, 'integration-user-orders');
    assert.equal(stream.metadata[0].metadata.description, 'read over postgres://***@db/main');
    const link = await h.api('GET', base);
    reportSecrets(t, 1, [link.text, done.text].filter((text) => text.includes(PASSWORD)).length, 'a discovered catalog: its poll and link');
    assert.ok(!link.text.includes(PASSWORD), link.text);
    assert.ok(!done.text.includes(PASSWORD), done.text);
  });
});

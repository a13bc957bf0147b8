import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { type Receiver, startReceiver } from './test-receiver.js';

/**
 * Connection and discover events wake the dispatcher after their commit: with the fallback poll at
 * 20 s, each still arrives within a couple of seconds (it would take the poll otherwise).
 */
describe('link, tenant and discover events go out at once, not at the next poll', () => {
  let h: Harness;
  let rx: Receiver;
  before(async () => {
    h = await startHarness({ env: { SINEW_EVENT_POLL_MS: '20000', SINEW_WEBHOOK_ALLOW_LOOPBACK: 'true' } });
    rx = await startReceiver();
    const put = await h.api('PUT', `/${h.envId}/settings`, {
      monitoring: { webhooks: { connection: { url: `${rx.url}/conn` }, discover: { url: `${rx.url}/disc` } } },
    });
    assert.equal(put.status, 200, put.text);
    assert.equal((await h.api('PUT', `/${h.envId}/flows/prompt`, { name: 'prompt', type: 'v2', connectors: ['csv'] })).status, 200);
  });
  after(async () => {
    await h.stop();
    await rx.close();
  });

  const arrives = async (what: string, pred: (r: { path: string; body: any }) => boolean) => {
    const t0 = Date.now();
    await rx.waitFor((all) => all.some(pred), 3000).catch(() => assert.fail(`${what} did not arrive within 3 s (the poll is 20 s)`));
    return Date.now() - t0;
  };
  const base = (tenant: string) => `/v2/${h.envId}/prompt/${tenant}/linkedConnectors`;

  test('link put and remove, tenant delete, discover', async () => {
    const missing = path.join(await h.tmp('csv'), 'no-such-folder');
    assert.equal((await h.api('POST', base('p1'), { connector_id: 'csv', config: { path: missing } })).status, 200);
    await arrives('LINK', (r) => r.path === '/conn' && r.body.tenant === 'p1' && r.body.event === 'LINK');
    assert.equal((await h.api('DELETE', `${base('p1')}?connector_id=csv`)).status, 204);
    await arrives('UNLINK', (r) => r.path === '/conn' && r.body.tenant === 'p1' && r.body.event === 'UNLINK');

    assert.equal((await h.api('POST', base('p2'), { connector_id: 'csv', config: { path: missing } })).status, 200);
    await arrives('LINK of p2', (r) => r.path === '/conn' && r.body.tenant === 'p2');
    assert.equal((await h.api('POST', `${base('p2')}/discover`, { connector_id: 'csv' })).status, 200);
    await arrives('DISCOVER_STARTED', (r) => r.path === '/disc' && r.body.tenant === 'p2' && r.body.status === 'DISCOVER_STARTED');
    await arrives('DISCOVER_FAILED', (r) => r.path === '/disc' && r.body.tenant === 'p2' && r.body.status === 'DISCOVER_FAILED');
    const del = await h.api('DELETE', `/tenant/${h.envId}/p2`);
    assert.ok(del.status < 300, del.text);
    await arrives('UNLINK on tenant delete', (r) => r.path === '/conn' && r.body.tenant === 'p2' && r.body.event === 'UNLINK');
  });
});

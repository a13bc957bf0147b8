import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ApiResponse, type Harness, startHarness } from '../support/sinew-harness.js';

function assertError(res: ApiResponse, status: number, code: string): void {
  assert.equal(res.status, status, res.text);
  assert.equal(res.body?.error?.code, code, res.text);
}

describe('tenants', () => {
  let h: Harness;
  let dir: string;
  before(async () => {
    h = await startHarness();
    dir = await h.tmp('tenants');
    assert.equal((await h.api('PUT', `/${h.envId}/flows/src`, { name: 'src', type: 'v1-source', connectors: ['csv'] })).status, 200);
    assert.equal((await h.api('PUT', `/${h.envId}/flows/both`, { name: 'both', type: 'v2', connectors: ['csv', 'jsonl'] })).status, 200);
  });
  after(() => h.stop());

  test('a tenant appears on its first link and lists once however many links it has', async () => {
    assert.deepEqual((await h.api('GET', `/tenants/${h.envId}`)).body, []);
    for (const tenant of ['1414_1', 'acme']) {
      const r = await h.api('POST', `/${h.envId}/src/${tenant}/linkedSources`, { source: { tap: 'csv', config: { path: dir } } });
      assert.equal(r.status, 200, r.text);
    }
    const v2 = await h.api('POST', `/v2/${h.envId}/both/acme/linkedConnectors`, { connector_id: 'jsonl', config: { path: dir } });
    assert.equal(v2.status, 200, v2.text);
    const list = await h.api('GET', `/tenants/${h.envId}`);
    assert.equal(list.status, 200);
    assert.deepEqual([...list.body].sort(), ['1414_1', 'acme']);
  });

  test('tenant-config.json: GET, PUT replaces, unknown tenant 404, body must be an object', async () => {
    const empty = await h.api('GET', `/tenant/${h.envId}/1414_1/config`);
    assert.equal(empty.status, 200, empty.text);
    assert.deepEqual(empty.body, {});
    // biome-ignore lint/correctness/noPrecisionLoss: the double JavaScript makes of it, compared with the parsed answer; the exact text travels as rawBody.
    const config = { region: 'eu', mapping: { Account: 'companies' }, big: 12345678901234567890 };
    const put = await h.api('PUT', `/tenant/${h.envId}/1414_1/config`, undefined, {
      rawBody: '{"region":"eu","mapping":{"Account":"companies"},"big":12345678901234567890}',
    });
    assert.equal(put.status, 200, put.text);
    const got = await h.api('GET', `/tenant/${h.envId}/1414_1/config`);
    // Exact number text survives the round trip (the JSON text, not a float).
    assert.match(got.text, /"big":12345678901234567890/);
    assert.deepEqual({ ...got.body, big: config.big }, config);
    await h.api('PUT', `/tenant/${h.envId}/1414_1/config`, { region: 'us' });
    assert.deepEqual((await h.api('GET', `/tenant/${h.envId}/1414_1/config`)).body, { region: 'us' });
    assertError(await h.api('GET', `/tenant/${h.envId}/nobody/config`), 404, 'NOT_FOUND');
    assertError(await h.api('PUT', `/tenant/${h.envId}/1414_1/config`, ['x']), 400, 'VALIDATION_FAILED');
    assertError(await h.api('PUT', `/tenant/${h.envId}/1414_1/config`, 'x'), 400, 'VALIDATION_FAILED');
  });

  test('DELETE removes the tenant and all its links, and nobody else', async () => {
    const del = await h.api('DELETE', `/tenant/${h.envId}/acme`);
    assert.equal(del.status, 204, del.text);
    assert.deepEqual((await h.api('GET', `/tenants/${h.envId}`)).body, ['1414_1']);
    assert.deepEqual((await h.api('GET', `/${h.envId}/src/acme/linkedSources`)).body, []);
    assert.deepEqual((await h.api('GET', `/v2/${h.envId}/both/acme/linkedConnectors`)).body, []);
    assert.deepEqual(await h.sinew.services.store.links.list({ env_id: h.envId, tenant: 'acme' }), []);
    // Each removed link is reported as an UNLINK connection event.
    const unlinks = (await h.sinew.services.store.events.list(h.envId, 1000))
      .filter((e) => e.kind === 'connection' && e.payload.tenant === 'acme' && e.payload.event === 'UNLINK')
      .map((e) => [e.payload.flow_id, e.payload.connector_type])
      .sort();
    assert.deepEqual(unlinks, [
      ['both', 'connector'],
      ['src', 'source'],
    ]);
    assertError(await h.api('GET', `/tenant/${h.envId}/acme/config`), 404, 'NOT_FOUND');
    assertError(await h.api('DELETE', `/tenant/${h.envId}/acme`), 404, 'NOT_FOUND');
    // The other tenant keeps its link and config.
    assert.equal((await h.api('GET', `/${h.envId}/src/1414_1/linkedSources`)).body.length, 1);
    assert.deepEqual((await h.api('GET', `/tenant/${h.envId}/1414_1/config`)).body, { region: 'us' });
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Harness, startHarness } from '../support/sinew-harness.js';

describe('snapshot API', () => {
  let h: Harness;
  let base: string;
  before(async () => {
    h = await startHarness();
    base = `/tenant/${h.envId}/acme`;
    assert.equal((await h.api('PUT', `${base}/config`, { region: 'eu' })).status, 200);
  });
  after(async () => {
    await h.stop();
  });

  test('PUT a JSON array, list, GET as NDJSON with numbers exact, DELETE', async () => {
    const put = await h.api('PUT', `${base}/snapshots/customers`, undefined, {
      rawBody: '[{"id":1,"balance":12345678901234567890.50},{"id":2,"balance":3}]',
    });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(put.body, { name: 'customers', records: 2 });
    const list = await h.api('GET', `${base}/snapshots`);
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.map((s: any) => [s.name, s.bytes]),
      [['customers', 64]],
    );
    assert.ok(!Number.isNaN(Date.parse(list.body[0].updated_at)));
    const get = await h.api('GET', `${base}/snapshots/customers`);
    assert.equal(get.status, 200);
    assert.match(get.headers.get('content-type') ?? '', /^application\/x-ndjson/);
    assert.equal(get.text, '{"id":1,"balance":12345678901234567890.50}\n{"id":2,"balance":3}\n');
    assert.equal((await h.api('DELETE', `${base}/snapshots/customers`)).status, 204);
    const gone = await h.api('GET', `${base}/snapshots/customers`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error.code, 'NOT_FOUND');
    assert.equal((await h.api('DELETE', `${base}/snapshots/customers`)).status, 404);
  });

  test('PUT NDJSON replaces the snapshot; a bad line is a 400 and the previous version stays', async () => {
    const ndjson = { 'content-type': 'application/x-ndjson' };
    const first = await h.api('PUT', `${base}/snapshots/orders`, undefined, {
      headers: ndjson,
      rawBody: '{"id":1}\n{"id":2,"n":99999999999999999999}\n',
    });
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(first.body, { name: 'orders', records: 2 });
    const bad = await h.api('PUT', `${base}/snapshots/orders`, undefined, { headers: ndjson, rawBody: '{"id":3}\n[1,2]\n' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'VALIDATION_FAILED');
    assert.match(bad.body.error.message, /line 2 is not a JSON object/);
    assert.equal((await h.api('GET', `${base}/snapshots/orders`)).text, '{"id":1}\n{"id":2,"n":99999999999999999999}\n');
    const notRecords = await h.api('PUT', `${base}/snapshots/orders`, [1, 2]);
    assert.equal(notRecords.status, 400);
    assert.equal((await h.api('PUT', `${base}/snapshots/orders`, { id: 1 })).status, 400, 'an object is not an array of records');
    assert.equal(
      (await h.api('PUT', `${base}/snapshots/orders`, undefined, { headers: { 'content-type': 'text/plain' }, rawBody: '{}' })).status,
      415,
    );
  });

  test('names with slashes or "..", unknown tenants, other keys', async () => {
    // (a bare `..` never reaches the server: URL parsing removes it)
    for (const name of ['a..b', '%2E%2E%2Fx', 'a%2Fb', '.env']) {
      const res = await h.api('GET', `${base}/snapshots/${name}`);
      assert.equal(res.status, 400, `${name}: ${res.text}`);
      assert.equal(res.body.error.code, 'VALIDATION_FAILED');
    }
    assert.equal((await h.api('PUT', `${base}/snapshots/x%2F..%2Fy`, [{ id: 1 }])).status, 400);
    const unknown = await h.api('GET', `/tenant/${h.envId}/nobody/snapshots`);
    assert.equal(unknown.status, 404);
    assert.equal((await h.api('PUT', `/tenant/${h.envId}/nobody/snapshots/x`, [{ id: 1 }])).status, 404);
    assert.equal((await h.api('GET', `${base}/snapshots`, undefined, { key: null })).status, 401);
    assert.equal((await h.api('GET', `${base}/snapshots`, undefined, { key: 'sk_wrong' })).status, 401);
    assert.equal((await h.api('GET', `/tenant/other.env/acme/snapshots`)).status, 404);
  });
});

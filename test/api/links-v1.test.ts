import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ApiResponse, type Harness, startHarness } from '../support/sinew-harness.js';

function assertError(res: ApiResponse, status: number, code: string): void {
  assert.equal(res.status, status, res.text);
  assert.equal(res.body?.error?.code, code, res.text);
}

const EVENT_KEYS = ['connector', 'connector_type', 'env_id', 'event', 'event_id', 'first_link', 'flow_id', 'tenant', 'timestamp'];

describe('v1 links: linkedSources and linkedTargets', () => {
  let h: Harness;
  let dir: string;
  const secret = 'tok-Hh2-very-private-value';

  const connectionEvents = async () =>
    (await h.sinew.services.store.events.list(h.envId, 1000))
      .filter((e) => e.kind === 'connection')
      .map((e) => e.payload as Record<string, unknown>);

  before(async () => {
    h = await startHarness();
    dir = await h.tmp('links-v1');
    assert.equal((await h.api('PUT', `/${h.envId}/flows/src`, { name: 'src', type: 'v1-source', connectors: ['csv', 'api'] })).status, 200);
    assert.equal(
      (await h.api('PUT', `/${h.envId}/flows/tgt`, { name: 'tgt', type: 'v1-target', connectors: ['jsonl', 'csv', 'api'] })).status,
      200,
    );
  });
  after(() => h.stop());

  test('linkedSources: LINK, OVERWRITE, list, UNLINK, each a connection event', async () => {
    const base = `/${h.envId}/src/t1/linkedSources`;
    assert.deepEqual((await h.api('GET', base)).body, []);
    const linked = await h.api('POST', base, { source: { tap: 'csv', config: { path: dir, access_token: secret } } });
    assert.equal(linked.status, 200, linked.text);
    assert.equal(linked.body.tap, 'csv');
    assert.equal(linked.body.flow_id, 'src');
    assert.equal(linked.body.tenant, 't1');
    assert.deepEqual(linked.body.config, { path: dir, access_token: '********' });

    const overwritten = await h.api('POST', base, {
      source: { tap: 'csv', config: { path: dir, delimiter: ';', access_token: secret } },
      field_map: { customers: { selected: true } },
    });
    assert.equal(overwritten.status, 200, overwritten.text);
    assert.equal(overwritten.body.config.delimiter, ';');
    assert.deepEqual(overwritten.body.field_map, { customers: { selected: true } });
    assert.equal(overwritten.body.created_at, linked.body.created_at);

    const list = await h.api('GET', base);
    assert.equal(list.status, 200);
    assert.equal(list.body.length, 1);
    assert.deepEqual(list.body[0].config, { path: dir, delimiter: ';', access_token: '********' });
    for (const r of [linked, overwritten, list]) assert.ok(!r.text.includes(secret));
    // The clear config is sealed in the store for jobs to use.
    const stored = await h.sinew.services.store.links.get({
      env_id: h.envId,
      flow_id: 'src',
      tenant: 't1',
      role: 'source',
      connector_id: 'csv',
    });
    assert.ok(stored && !stored.config_encrypted.includes(secret));
    assert.equal(JSON.parse(h.sinew.services.box.decrypt(stored.config_encrypted)).access_token, secret);

    const del = await h.api('DELETE', `${base}?source=csv`);
    assert.equal(del.status, 204, del.text);
    assert.deepEqual((await h.api('GET', base)).body, []);
    assertError(await h.api('DELETE', `${base}?source=csv`), 404, 'NOT_FOUND');

    const events = (await connectionEvents()).filter((e) => e.tenant === 't1');
    assert.deepEqual(
      events.map((e) => e.event),
      ['LINK', 'OVERWRITE', 'UNLINK'],
    );
    for (const e of events) {
      assert.deepEqual(Object.keys(e).sort(), EVENT_KEYS);
      assert.equal(e.env_id, h.envId);
      assert.equal(e.flow_id, 'src');
      assert.equal(e.connector, 'csv');
      assert.equal(e.connector_type, 'source');
      assert.ok(!Number.isNaN(Date.parse(e.timestamp as string)));
      assert.equal(typeof e.event_id, 'string');
    }
    assert.deepEqual(
      events.map((e) => e.first_link),
      [true, false, false],
    );
    assert.equal(new Set(events.map((e) => e.event_id)).size, 3);
    const outbox = (await h.sinew.services.store.events.list(h.envId, 1000)).filter(
      (e) => e.kind === 'connection' && (e.payload as { tenant: string }).tenant === 't1',
    );
    assert.deepEqual(
      outbox.map((e) => e.event_id),
      events.map((e) => e.event_id),
      'the payload event_id is the outbox event id',
    );
    assert.ok(!JSON.stringify(outbox).includes(secret), 'events carry no credentials');
  });

  test("first_link is true only on the tenant's first link, across flows", async () => {
    const a = await h.api('POST', `/${h.envId}/src/t2/linkedSources`, { source: { tap: 'csv', config: { path: dir } } });
    assert.equal(a.status, 200, a.text);
    const b = await h.api('POST', `/${h.envId}/tgt/t2/linkedTargets`, { target: { target: 'jsonl', config: { path: dir } } });
    assert.equal(b.status, 200, b.text);
    const events = (await connectionEvents()).filter((e) => e.tenant === 't2');
    assert.deepEqual(
      events.map((e) => [e.flow_id, e.event, e.first_link]),
      [
        ['src', 'LINK', true],
        ['tgt', 'LINK', false],
      ],
    );
  });

  test('linkedTargets: link, list, unlink on a v1 target flow', async () => {
    const base = `/${h.envId}/tgt/t3/linkedTargets`;
    const linked = await h.api('POST', base, { target: { target: 'jsonl', config: { path: dir, password: secret } } });
    assert.equal(linked.status, 200, linked.text);
    assert.equal(linked.body.target, 'jsonl');
    assert.deepEqual(linked.body.config, { path: dir, password: '********' });
    const second = await h.api('POST', base, { target: { target: 'csv', config: { path: dir } } });
    assert.equal(second.status, 200, second.text);
    const list = await h.api('GET', base);
    assert.deepEqual(list.body.map((l: { target: string }) => l.target).sort(), ['csv', 'jsonl']);
    assert.ok(!list.text.includes(secret));
    // Two links: which one to unlink must be named.
    assertError(await h.api('DELETE', base), 400, 'VALIDATION_FAILED');
    assert.equal((await h.api('DELETE', `${base}?target=jsonl`)).status, 204);
    // One left: it is the default.
    assert.equal((await h.api('DELETE', base)).status, 204);
    assert.deepEqual((await h.api('GET', base)).body, []);
    const events = (await connectionEvents()).filter((e) => e.tenant === 't3');
    assert.deepEqual(
      events.map((e) => [e.connector, e.connector_type, e.event]),
      [
        ['jsonl', 'target', 'LINK'],
        ['csv', 'target', 'LINK'],
        ['jsonl', 'target', 'UNLINK'],
        ['csv', 'target', 'UNLINK'],
      ],
    );
  });

  test('the wrong link kind for the flow type is 400', async () => {
    assertError(
      await h.api('POST', `/${h.envId}/src/t4/linkedTargets`, { target: { target: 'jsonl', config: { path: dir } } }),
      400,
      'VALIDATION_FAILED',
    );
    assertError(await h.api('GET', `/${h.envId}/src/t4/linkedTargets`), 400, 'VALIDATION_FAILED');
    assertError(
      await h.api('POST', `/${h.envId}/tgt/t4/linkedSources`, { source: { tap: 'csv', config: { path: dir } } }),
      400,
      'VALIDATION_FAILED',
    );
    assertError(
      await h.api('POST', `/v2/${h.envId}/src/t4/linkedConnectors`, { connector_id: 'csv', config: { path: dir } }),
      400,
      'VALIDATION_FAILED',
    );
    assert.deepEqual(await h.sinew.services.store.links.list({ env_id: h.envId, tenant: 't4' }), []);
  });

  test('a connector the flow does not offer, or cannot play the role, is 422', async () => {
    const notOffered = await h.api('POST', `/${h.envId}/src/t5/linkedSources`, { source: { tap: 'jsonl', config: { path: dir } } });
    assertError(notOffered, 422, 'CONNECTOR_NOT_SUPPORTED');
    assert.deepEqual(notOffered.body.error.details.supported, ['csv', 'api']);
    // `api` is offered by the target flow but is a source only.
    assertError(
      await h.api('POST', `/${h.envId}/tgt/t5/linkedTargets`, { target: { target: 'api', config: {} } }),
      422,
      'CONNECTOR_NOT_SUPPORTED',
    );
    assert.deepEqual(await h.sinew.services.store.links.list({ env_id: h.envId, tenant: 't5' }), []);
    assert.ok(!(await connectionEvents()).some((e) => e.tenant === 't5'), 'a refused link is no event');
  });

  test("a config that fails the connector's config_schema is 400", async () => {
    const res = await h.api('POST', `/${h.envId}/src/t6/linkedSources`, { source: { tap: 'csv', config: { delimiter: ';' } } });
    assertError(res, 400, 'VALIDATION_FAILED');
    assert.match(res.body.error.message, /path/);
    assertError(
      await h.api('POST', `/${h.envId}/src/t6/linkedSources`, { source: { tap: 'csv', config: { path: 7 } } }),
      400,
      'VALIDATION_FAILED',
    );
    assertError(await h.api('POST', `/${h.envId}/src/t6/linkedSources`, { source: { tap: 'csv' } }), 400, 'VALIDATION_FAILED');
    assertError(
      await h.api('POST', `/${h.envId}/src/t6/linkedSources`, { source: { tap: 'csv', config: { path: dir } }, extra: 1 }),
      400,
      'VALIDATION_FAILED',
    );
    assertError(await h.api('GET', `/tenant/${h.envId}/t6/config`), 404, 'NOT_FOUND');
  });

  test('link state: GET, PUT, DELETE', async () => {
    const base = `/${h.envId}/src/t7/linkedSources`;
    assert.equal((await h.api('POST', base, { source: { tap: 'csv', config: { path: dir } } })).status, 200);
    const empty = await h.api('GET', `${base}/state`);
    assert.equal(empty.status, 200, empty.text);
    assert.deepEqual(empty.body, {});
    const state = { bookmarks: { customers: { replication_key_value: '2026-01-05T10:00:00Z' } } };
    const put = await h.api('PUT', `${base}/state`, state);
    assert.equal(put.status, 200, put.text);
    assert.deepEqual((await h.api('GET', `${base}/state?source=csv`)).body, state);
    assertError(await h.api('PUT', `${base}/state`, ['nope']), 400, 'VALIDATION_FAILED');
    assert.deepEqual((await h.api('GET', `${base}/state`)).body, state);
    assert.equal((await h.api('DELETE', `${base}/state`)).status, 204);
    assert.deepEqual((await h.api('GET', `${base}/state`)).body, {});
    assertError(await h.api('GET', `${base}/state?source=api`), 404, 'NOT_FOUND');
    assertError(await h.api('GET', `/${h.envId}/src/t8/linkedSources/state`), 404, 'NOT_FOUND');
    assertError(await h.api('DELETE', `/${h.envId}/src/t8/linkedSources`), 404, 'NOT_FOUND');
  });
});

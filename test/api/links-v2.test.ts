import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type ApiResponse, type Harness, startHarness } from '../support/sinew-harness.js';

function assertError(res: ApiResponse, status: number, code: string): void {
  assert.equal(res.status, status, res.text);
  assert.equal(res.body?.error?.code, code, res.text);
}

describe('v2 links: linkedConnectors and discover', () => {
  let h: Harness;
  let dir: string;
  const secret = 'cs-8Jk-not-for-your-eyes';
  const base = (tenant: string) => `/v2/${'test.sinew.local'}/bi/${tenant}/linkedConnectors`;

  const events = async (kind: string, tenant: string) =>
    (await h.sinew.services.store.events.list(h.envId, 1000))
      .filter((e) => e.kind === kind && (e.payload as { tenant: string }).tenant === tenant)
      .map((e) => e.payload as Record<string, unknown>);

  async function pollDiscover(url: string): Promise<any> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const res = await h.api('GET', url);
      assert.equal(res.status, 200, res.text);
      if (res.body.status !== 'DISCOVER_STARTED') return res.body;
      if (Date.now() > deadline) throw new Error(`discover still running: ${res.text}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  before(async () => {
    h = await startHarness();
    assert.equal(h.envId, 'test.sinew.local');
    dir = await h.tmp('links-v2');
    await fs.writeFile(
      path.join(dir, 'contacts.csv'),
      'id,email,updated_at\n1,a@example.com,2026-01-01T00:00:00Z\n2,b@example.com,2026-01-02T00:00:00Z\n',
    );
    assert.equal((await h.api('PUT', `/${h.envId}/flows/bi`, { name: 'bi', type: 'v2', connectors: ['csv', 'jsonl'] })).status, 200);
  });
  after(() => h.stop());

  test('POST links, POST again overwrites, PATCH merges config, DELETE unlinks', async () => {
    const linked = await h.api('POST', base('t1'), { connector_id: 'csv', config: { path: dir, client_secret: secret } });
    assert.equal(linked.status, 200, linked.text);
    assert.equal(linked.body.connector_id, 'csv');
    assert.deepEqual(linked.body.config, { path: dir, client_secret: '********' });

    const over = await h.api('POST', base('t1'), { connector_id: 'csv', config: { path: dir } });
    assert.equal(over.status, 200, over.text);
    // An overwrite replaces the config as a whole.
    assert.deepEqual(over.body.config, { path: dir });

    const patched = await h.api('PATCH', base('t1'), { connector_id: 'csv', config: { delimiter: ';', client_secret: secret } });
    assert.equal(patched.status, 200, patched.text);
    assert.deepEqual(patched.body.config, { path: dir, delimiter: ';', client_secret: '********' });
    const schedule = { schedule_expression: 'cron(0 0 * * *)' };
    const patched2 = await h.api('PATCH', base('t1'), { connector_id: 'csv', schedule });
    assert.equal(patched2.status, 200, patched2.text);
    assert.deepEqual(patched2.body.config, { path: dir, delimiter: ';', client_secret: '********' }, 'a PATCH without config keeps it');
    assert.deepEqual(patched2.body.schedule, schedule);
    const stored = await h.sinew.services.store.links.get({
      env_id: h.envId,
      flow_id: 'bi',
      tenant: 't1',
      role: 'connector',
      connector_id: 'csv',
    });
    assert.equal(JSON.parse(h.sinew.services.box.decrypt(stored!.config_encrypted)).client_secret, secret);

    // Sending back the redacted value keeps the stored one.
    const resent = await h.api('POST', base('t1'), { connector_id: 'csv', config: { ...patched2.body.config, delimiter: '|' } });
    assert.equal(resent.status, 200, resent.text);
    const kept = await h.sinew.services.store.links.get({
      env_id: h.envId,
      flow_id: 'bi',
      tenant: 't1',
      role: 'connector',
      connector_id: 'csv',
    });
    assert.deepEqual(JSON.parse(h.sinew.services.box.decrypt(kept!.config_encrypted)), {
      path: dir,
      delimiter: '|',
      client_secret: secret,
    });

    // PATCH cannot create, and its merged config is still validated.
    assertError(await h.api('PATCH', base('t1'), { connector_id: 'jsonl', config: { path: dir } }), 404, 'NOT_FOUND');
    assertError(await h.api('PATCH', base('t1'), { connector_id: 'csv', config: { path: 5 } }), 400, 'VALIDATION_FAILED');

    const list = await h.api('GET', base('t1'));
    assert.equal(list.body.length, 1);
    assert.ok(![linked, over, patched, patched2, list].some((r) => r.text.includes(secret)));
    assert.equal((await h.api('DELETE', `${base('t1')}?connector_id=csv`)).status, 204);
    assert.deepEqual((await h.api('GET', base('t1'))).body, []);

    const conn = await events('connection', 't1');
    assert.deepEqual(
      conn.map((e) => [e.event, e.connector_type, e.first_link]),
      [
        ['LINK', 'connector', true],
        ['OVERWRITE', 'connector', false],
        ['OVERWRITE', 'connector', false],
        ['OVERWRITE', 'connector', false],
        ['OVERWRITE', 'connector', false],
        ['UNLINK', 'connector', false],
      ],
    );
  });

  test('wrong link kind is 400, unoffered connector 422, bad config 400', async () => {
    assertError(
      await h.api('POST', `/${h.envId}/bi/t2/linkedSources`, { source: { tap: 'csv', config: { path: dir } } }),
      400,
      'VALIDATION_FAILED',
    );
    assertError(await h.api('POST', base('t2'), { connector_id: 'api', config: {} }), 422, 'CONNECTOR_NOT_SUPPORTED');
    assertError(await h.api('POST', base('t2'), { connector_id: 'csv', config: {} }), 400, 'VALIDATION_FAILED');
    assertError(await h.api('POST', base('t2'), { connector_id: '', config: { path: dir } }), 400, 'VALIDATION_FAILED');
    assertError(await h.api('POST', base('t2'), { config: { path: dir } }), 400, 'VALIDATION_FAILED');
    assert.deepEqual((await h.api('GET', base('t2'))).body, []);
  });

  test('state: GET, PUT, DELETE', async () => {
    assert.equal((await h.api('POST', base('t3'), { connector_id: 'csv', config: { path: dir } })).status, 200);
    const state = { bookmarks: { contacts: { replication_key_value: '2026-01-02T00:00:00Z' } } };
    assert.equal((await h.api('PUT', `${base('t3')}/state?connector_id=csv`, state)).status, 200);
    assert.deepEqual((await h.api('GET', `${base('t3')}/state`)).body, state);
    assert.equal((await h.api('DELETE', `${base('t3')}/state`)).status, 204);
    assert.deepEqual((await h.api('GET', `${base('t3')}/state`)).body, {});
  });

  test('discover runs the connector and stores the catalog; events DISCOVER_STARTED then DISCOVER_SUCCESS', async () => {
    assert.equal((await h.api('POST', base('t4'), { connector_id: 'csv', config: { path: dir } })).status, 200);
    const before = await h.api('GET', `${base('t4')}/discover/poll`);
    assert.equal(before.status, 200, before.text);
    assert.equal(before.body.catalog, null);
    const started = await h.api('POST', `${base('t4')}/discover`);
    assert.equal(started.status, 200, started.text);
    assert.ok(['DISCOVER_STARTED', 'DISCOVER_SUCCESS'].includes(started.body.status));
    const done = await pollDiscover(`${base('t4')}/discover/poll?connector_id=csv`);
    assert.equal(done.status, 'DISCOVER_SUCCESS', JSON.stringify(done));
    const stream = done.catalog.streams.find((s: { tap_stream_id: string }) => s.tap_stream_id === 'contacts');
    assert.ok(stream, JSON.stringify(done.catalog));
    assert.deepEqual(Object.keys(stream.schema.properties).sort(), ['email', 'id', 'updated_at']);
    // The catalog is now part of the link.
    const list = await h.api('GET', base('t4'));
    assert.equal(list.body[0].catalog.streams[0].tap_stream_id, 'contacts');
    const disc = await events('discover', 't4');
    assert.deepEqual(
      disc.map((e) => e.status),
      ['DISCOVER_STARTED', 'DISCOVER_SUCCESS'],
    );
    for (const e of disc) {
      assert.equal(e.flow_id, 'bi');
      assert.equal(e.env_id, h.envId);
      assert.equal(e.connector, 'csv');
      assert.ok(!Number.isNaN(Date.parse(e.timestamp as string)));
    }
  });

  test('discover on a config the connector cannot use ends DISCOVER_FAILED with the reason', async () => {
    const gone = path.join(dir, 'no-such-folder');
    assert.equal((await h.api('POST', base('t5'), { connector_id: 'csv', config: { path: gone } })).status, 200);
    assert.equal((await h.api('POST', `${base('t5')}/discover`, { connector_id: 'csv' })).status, 200);
    const done = await pollDiscover(`${base('t5')}/discover/poll`);
    assert.equal(done.status, 'DISCOVER_FAILED');
    assert.equal(done.catalog, null);
    assert.match(done.error, /no-such-folder|does not exist/);
    assert.deepEqual(
      (await events('discover', 't5')).map((e) => e.status),
      ['DISCOVER_STARTED', 'DISCOVER_FAILED'],
    );
  });

  test('discover needs a link', async () => {
    assertError(await h.api('POST', `${base('t6')}/discover`), 404, 'NOT_FOUND');
    assertError(await h.api('POST', `${base('t4')}/discover?connector_id=jsonl`), 404, 'NOT_FOUND');
  });
});

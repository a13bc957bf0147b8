import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { filesUnder } from '../support/files-under.js';
import { type ApiResponse, type Harness, startHarness } from '../support/sinew-harness.js';

function assertError(res: ApiResponse, status: number, code: string): void {
  assert.equal(res.status, status, res.text);
  assert.equal(res.body?.error?.code, code, res.text);
}

describe('flow administration', () => {
  let h: Harness;
  let out: string;
  before(async () => {
    h = await startHarness();
    out = await h.tmp('flow-out');
  });
  after(() => h.stop());

  test('PUT creates, GET reads, PUT replaces, DELETE removes', async () => {
    const created = await h.api('PUT', `/${h.envId}/flows/crm-sync`, {
      name: 'CRM sync',
      type: 'v1-source',
      connectors: ['csv', 'jsonl'],
      target: { connector: 'jsonl', config: { path: out } },
      field_map: { contacts: { selected: true } },
    });
    assert.equal(created.status, 200, created.text);
    assert.equal(created.body.flow_id, 'crm-sync');
    assert.equal(created.body.env_id, h.envId);
    assert.deepEqual(created.body.connectors, ['csv', 'jsonl']);
    assert.deepEqual(created.body.target, { connector: 'jsonl', config: { path: out } });
    assert.equal(created.body.target.config_sealed, undefined);
    const got = await h.api('GET', `/${h.envId}/flows/crm-sync`);
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, created.body);

    await new Promise((r) => setTimeout(r, 5)); // the clock moves on: updated_at must differ from created_at
    const replaced = await h.api('PUT', `/${h.envId}/flows/crm-sync`, { name: 'CRM sync v2', type: 'v1-source', connectors: ['csv'] });
    assert.equal(replaced.status, 200, replaced.text);
    assert.equal(replaced.body.name, 'CRM sync v2');
    assert.deepEqual(replaced.body.connectors, ['csv']);
    // A replace is a replace: the old target and field map are gone; creation time stays.
    assert.equal(replaced.body.target, undefined);
    assert.equal(replaced.body.field_map, undefined);
    assert.equal(replaced.body.created_at, created.body.created_at);
    assert.notEqual(replaced.body.updated_at, created.body.updated_at);

    const del = await h.api('DELETE', `/${h.envId}/flows/crm-sync`);
    assert.equal(del.status, 204);
    assert.equal(del.text, '');
    assertError(await h.api('GET', `/${h.envId}/flows/crm-sync`), 404, 'NOT_FOUND');
    assertError(await h.api('DELETE', `/${h.envId}/flows/crm-sync`), 404, 'NOT_FOUND');
  });

  test('POST creates a flow with a generated id; the list shows every flow', async () => {
    const a = await h.api('POST', `/${h.envId}/flows`, { name: 'A', type: 'v2', connectors: ['csv'] });
    const b = await h.api('POST', `/${h.envId}/flows`, { name: 'B', type: 'v1-target', connectors: ['jsonl'] });
    assert.equal(a.status, 200, a.text);
    assert.equal(b.status, 200, b.text);
    assert.match(a.body.flow_id, /^[A-Za-z0-9_-]{6,64}$/);
    assert.notEqual(a.body.flow_id, b.body.flow_id);
    const list = await h.api('GET', `/${h.envId}/flows`);
    assert.equal(list.status, 200);
    const byId = new Map(list.body.map((f: { flow_id: string; name: string }) => [f.flow_id, f.name]));
    assert.equal(byId.get(a.body.flow_id), 'A');
    assert.equal(byId.get(b.body.flow_id), 'B');
    const got = await h.api('GET', `/${h.envId}/flows/${a.body.flow_id}`);
    assert.equal(got.body.type, 'v2');
  });

  test('invalid flow definitions are refused and change nothing', async () => {
    assertError(await h.api('PUT', `/${h.envId}/flows/bad`, { name: 'x', type: 'v3' }), 400, 'VALIDATION_FAILED');
    assertError(await h.api('PUT', `/${h.envId}/flows/bad`, { name: '', type: 'v2' }), 400, 'VALIDATION_FAILED');
    assertError(await h.api('PUT', `/${h.envId}/flows/bad`, { name: 'x', type: 'v2', connectors: 'csv' }), 400, 'VALIDATION_FAILED');
    const unknown = await h.api('PUT', `/${h.envId}/flows/bad`, { name: 'x', type: 'v2', connectors: ['csv', 'tap-nowhere'] });
    assertError(unknown, 400, 'VALIDATION_FAILED');
    assert.match(unknown.body.error.message, /tap-nowhere/);
    assertError(
      await h.api('PUT', `/${h.envId}/flows/bad`, { name: 'x', type: 'v1-source', target: { connector: 'nowhere' } }),
      400,
      'VALIDATION_FAILED',
    );
    // `api` is a source only: it cannot be where a flow writes.
    assertError(
      await h.api('PUT', `/${h.envId}/flows/bad`, { name: 'x', type: 'v1-source', target: { connector: 'api', config: {} } }),
      422,
      'CONNECTOR_NOT_SUPPORTED',
    );
    // A v1 target flow writes into the tenant's linked target; a flow target makes no sense there.
    assertError(
      await h.api('PUT', `/${h.envId}/flows/bad`, { name: 'x', type: 'v1-target', target: { connector: 'jsonl', config: { path: out } } }),
      400,
      'VALIDATION_FAILED',
    );
    // The target config must satisfy the connector's config schema (jsonl needs a path).
    assertError(
      await h.api('PUT', `/${h.envId}/flows/bad`, { name: 'x', type: 'v1-source', target: { connector: 'jsonl', config: {} } }),
      400,
      'VALIDATION_FAILED',
    );
    assertError(
      await h.api('PUT', `/${h.envId}/flows/${encodeURIComponent('bad id!')}`, { name: 'x', type: 'v2' }),
      400,
      'VALIDATION_FAILED',
    );
    assertError(await h.api('GET', `/${h.envId}/flows/bad`), 404, 'NOT_FOUND');
  });

  test('the flow target config is shown redacted and stored encrypted', async () => {
    const password = 'pw-Zq81-correct-horse';
    const apiKey = 'ak-Lm55-battery-staple';
    const res = await h.api('PUT', `/${h.envId}/flows/warehouse`, {
      name: 'to warehouse',
      type: 'v1-source',
      connectors: ['csv'],
      target: { connector: 'jsonl', config: { path: out, password, api_key: apiKey, nested: { client_secret: apiKey } } },
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.target.config, {
      path: out,
      password: '********',
      api_key: '********',
      nested: { client_secret: '********' },
    });
    for (const r of [res, await h.api('GET', `/${h.envId}/flows/warehouse`), await h.api('GET', `/${h.envId}/flows`)]) {
      assert.ok(!r.text.includes(password) && !r.text.includes(apiKey), 'no response carries the clear secret');
    }
    // The clear config is still there for jobs (sealed), and nowhere in the data dir in clear.
    const stored = await h.sinew.services.store.flows.get(h.envId, 'warehouse');
    assert.ok(stored?.target?.config_sealed);
    assert.ok(!JSON.stringify(stored).includes(password));
    const sealed = JSON.parse(h.sinew.services.box.decrypt(stored.target.config_sealed));
    assert.equal(sealed.password, password);
    const files = await filesUnder(h.dataDir);
    if (h.sinew.services.store.dialect === 'sqlite')
      assert.ok(
        files.some((f) => /\.(db|sqlite3?)$/.test(f)),
        `the SQLite file is under the data dir: ${files.join(', ')}`,
      );
    for (const f of files) {
      const bytes = await fs.readFile(f);
      assert.equal(bytes.includes(password), false, `${f} holds the password in clear`);
      assert.equal(bytes.includes(apiKey), false, `${f} holds the api key in clear`);
    }

    // Saving back what GET showed (the dashboard's read-edit-save) keeps the stored credentials.
    const shown = (await h.api('GET', `/${h.envId}/flows/warehouse`)).body;
    const resaved = await h.api('PUT', `/${h.envId}/flows/warehouse`, {
      name: 'renamed',
      type: shown.type,
      connectors: shown.connectors,
      target: shown.target,
    });
    assert.equal(resaved.status, 200, resaved.text);
    const after = await h.sinew.services.store.flows.get(h.envId, 'warehouse');
    assert.deepEqual(JSON.parse(h.sinew.services.box.decrypt(after!.target!.config_sealed!)), {
      path: out,
      password,
      api_key: apiKey,
      nested: { client_secret: apiKey },
    });
    // A new value replaces it.
    await h.api('PUT', `/${h.envId}/flows/warehouse`, {
      name: 'renamed',
      type: 'v1-source',
      target: { connector: 'jsonl', config: { path: out, password: 'new-one' } },
    });
    const changed = await h.sinew.services.store.flows.get(h.envId, 'warehouse');
    assert.deepEqual(JSON.parse(h.sinew.services.box.decrypt(changed!.target!.config_sealed!)), { path: out, password: 'new-one' });
  });
});

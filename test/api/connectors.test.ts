import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ApiResponse, type Harness, startHarness } from '../support/sinew-harness.js';

function assertError(res: ApiResponse, status: number, code: string): void {
  assert.equal(res.status, status, res.text);
  assert.equal(res.body?.error?.code, code, res.text);
}

describe('connector definitions', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.stop());

  test('the list holds the built-ins, read-only', async () => {
    const res = await h.api('GET', `/${h.envId}/connectors`);
    assert.equal(res.status, 200, res.text);
    const byId = new Map(res.body.map((c: { id: string }) => [c.id, c]));
    for (const id of ['csv', 'jsonl', 'api']) {
      const c = byId.get(id) as { builtin: boolean; runtime: { runtime: string }; config_schema: object } | undefined;
      assert.ok(c, `${id} is listed`);
      assert.equal(c.builtin, true);
      assert.equal(c.runtime.runtime, 'builtin');
      assert.equal(typeof c.config_schema, 'object');
    }
    assert.equal((byId.get('api') as { kind: string }).kind, 'source');
    const csv = await h.api('GET', `/${h.envId}/connectors/csv`);
    assert.equal(csv.status, 200);
    assert.deepEqual(csv.body.config_schema.required, ['path']);
  });

  test('a Singer connector can be registered, read, listed, replaced and removed', async () => {
    const put = await h.api('PUT', `/${h.envId}/connectors/tap-numbers`, {
      kind: 'source',
      command: ['node', '/opt/taps/tap-numbers.mjs'],
      label: 'Numbers',
      config_schema: { type: 'object', required: ['count'], properties: { count: { type: 'integer' } } },
    });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.id, 'tap-numbers');
    assert.equal(put.body.builtin, false);
    assert.deepEqual(put.body.runtime, { runtime: 'singer', command: ['node', '/opt/taps/tap-numbers.mjs'] });
    // Capabilities default from the kind.
    assert.equal(put.body.capabilities.discover, true);
    assert.equal(put.body.capabilities.write, false);
    const got = await h.api('GET', `/${h.envId}/connectors/tap-numbers`);
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, put.body);
    const list = await h.api('GET', `/${h.envId}/connectors`);
    assert.ok(list.body.some((c: { id: string }) => c.id === 'tap-numbers'));

    const replaced = await h.api('PUT', `/${h.envId}/connectors/tap-numbers`, {
      kind: 'both',
      command: ['tap-numbers'],
      catalog_flag: '--properties',
    });
    assert.equal(replaced.status, 200, replaced.text);
    assert.equal((await h.api('GET', `/${h.envId}/connectors/tap-numbers`)).body.kind, 'both');
    assert.equal(replaced.body.runtime.catalog_flag, '--properties');

    const del = await h.api('DELETE', `/${h.envId}/connectors/tap-numbers`);
    assert.equal(del.status, 204);
    assertError(await h.api('GET', `/${h.envId}/connectors/tap-numbers`), 404, 'NOT_FOUND');
    assertError(await h.api('DELETE', `/${h.envId}/connectors/tap-numbers`), 404, 'NOT_FOUND');
    assert.ok(!(await h.api('GET', `/${h.envId}/connectors`)).body.some((c: { id: string }) => c.id === 'tap-numbers'));
  });

  test('a registered connector can be used by a flow, and is scoped to its environment', async () => {
    await h.api('PUT', `/${h.envId}/connectors/target-x`, { kind: 'target', command: ['target-x'] });
    const flow = await h.api('PUT', `/${h.envId}/flows/uses-x`, { name: 'x', type: 'v1-target', connectors: ['target-x'] });
    assert.equal(flow.status, 200, flow.text);
    const otherKey = 'sk_other_env_key_0123456789';
    await h.sinew.services.environments.ensure('other.env', otherKey);
    assertError(await h.api('GET', `/other.env/connectors/target-x`, undefined, { key: otherKey }), 404, 'NOT_FOUND');
  });

  test('built-ins cannot be replaced or deleted: 409 READ_ONLY', async () => {
    for (const id of ['csv', 'jsonl', 'api']) {
      assertError(await h.api('PUT', `/${h.envId}/connectors/${id}`, { kind: 'source', command: ['evil'] }), 409, 'READ_ONLY');
      assertError(await h.api('DELETE', `/${h.envId}/connectors/${id}`), 409, 'READ_ONLY');
    }
    const csv = await h.api('GET', `/${h.envId}/connectors/csv`);
    assert.equal(csv.body.runtime.runtime, 'builtin');
  });

  test('invalid connector bodies and ids are 400', async () => {
    const bad: unknown[] = [
      {},
      { kind: 'source' },
      { command: ['tap-a'] },
      { kind: 'sideways', command: ['tap-a'] },
      { kind: 'source', command: [] },
      { kind: 'source', command: [''] },
      { kind: 'source', command: 'tap-a' },
      { kind: 'source', command: ['tap-a'], runtime: 'docker' },
      { kind: 'source', command: ['tap-a'], shell: true },
      { kind: 'source', command: ['tap-a'], capabilities: { teleport: true } },
      { kind: 'source', command: ['tap-a'], config_schema: 'none' },
    ];
    for (const body of bad) assertError(await h.api('PUT', `/${h.envId}/connectors/tap-a`, body), 400, 'VALIDATION_FAILED');
    assertError(
      await h.api('PUT', `/${h.envId}/connectors/${encodeURIComponent('tap a')}`, { kind: 'source', command: ['tap-a'] }),
      400,
      'VALIDATION_FAILED',
    );
    assertError(
      await h.api('PUT', `/${h.envId}/connectors/${encodeURIComponent('-tap')}`, { kind: 'source', command: ['tap-a'] }),
      400,
      'VALIDATION_FAILED',
    );
    assertError(await h.api('GET', `/${h.envId}/connectors/tap-a`), 404, 'NOT_FOUND');
  });
});

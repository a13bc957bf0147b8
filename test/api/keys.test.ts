import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { assertError, tenantApiOf } from '../security/tenant-caller.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';

const idOf = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 16);

/** Issue #13: the environment's keys through the API — listed (never shown again), created, revoked. */
describe('API keys: GET/POST /{env}/keys, DELETE /{env}/keys/{key_id}', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.stop());

  test('create shows the key once; it works at once; the list names keys by id and prefix only', async () => {
    const created = await h.api('POST', `/${h.envId}/keys`, { kind: 'environment', name: 'billing backend' });
    assert.equal(created.status, 201, created.text);
    const { key, key_id, prefix, name, kind } = created.body;
    assert.match(key, /^sk_/);
    assert.equal(key_id, idOf(key));
    assert.equal(prefix, key.slice(0, 7));
    assert.deepEqual([name, kind], ['billing backend', 'environment']);
    assert.equal((await h.api('GET', `/${h.envId}/flows`, undefined, { key })).status, 200, 'the new key works at once');

    const list = await h.api('GET', `/${h.envId}/keys`);
    assert.equal(list.status, 200, list.text);
    const mine = list.body.find((k: any) => k.key_id === key_id);
    assert.deepEqual(mine, { key_id, kind: 'environment', name: 'billing backend', prefix, created_at: created.body.created_at });
    assert.ok(
      list.body.some((k: any) => k.key_id === idOf(h.key)),
      'the harness key is listed',
    );
    assert.ok(!list.text.includes(key) && !list.text.includes(h.key), 'no key is ever shown again');
    assert.ok(!list.text.includes(createHash('sha256').update(key).digest('hex')), 'nor its hash');
  });

  test('a public key made here serves the widget with a tenant token', async () => {
    const pub = await h.api('POST', `/${h.envId}/keys`, { kind: 'public', name: 'widget' });
    assert.equal(pub.status, 201, pub.text);
    assert.match(pub.body.key, /^pk_/);
    const token = (await h.api('POST', `/tenant/${h.envId}/acme/token`, {})).body.token;
    const asTenant = tenantApiOf(h, pub.body.key, token);
    assert.equal((await asTenant('GET', `/${h.envId}/flows/supported`)).status, 200);
    // A tenant may not touch keys.
    assertError(await asTenant('GET', `/${h.envId}/keys`), 403, 'FORBIDDEN');
    assertError(await asTenant('POST', `/${h.envId}/keys`, { kind: 'environment' }), 403, 'FORBIDDEN');
  });

  test('revoke: the key stops at once; the last environment key is refused; unknown and malformed ids', async () => {
    const spare = (await h.api('POST', `/${h.envId}/keys`, { kind: 'environment' })).body;
    const del = await h.api('DELETE', `/${h.envId}/keys/${spare.key_id}`);
    assert.equal(del.status, 204, del.text);
    assertError(await h.api('GET', `/${h.envId}/flows`, undefined, { key: spare.key }), 401, 'UNAUTHORIZED');
    assertError(await h.api('DELETE', `/${h.envId}/keys/${spare.key_id}`), 404, 'NOT_FOUND');
    assertError(await h.api('DELETE', `/${h.envId}/keys/not-a-key-id`), 400, 'VALIDATION_FAILED');

    // Revoke every environment key but the one in use; then that one is the last and is refused.
    for (const k of (await h.api('GET', `/${h.envId}/keys`)).body) {
      if (k.kind === 'environment' && k.key_id !== idOf(h.key))
        assert.equal((await h.api('DELETE', `/${h.envId}/keys/${k.key_id}`)).status, 204);
    }
    const last = await h.api('DELETE', `/${h.envId}/keys/${idOf(h.key)}`);
    assertError(last, 409, 'CONFLICT');
    assert.equal((await h.api('GET', `/${h.envId}/flows`)).status, 200, 'the last key still works');
  });

  test('bad bodies are 400; creating and revoking keys is in the audit log', async () => {
    assertError(await h.api('POST', `/${h.envId}/keys`, { kind: 'root' }), 400, 'VALIDATION_FAILED');
    assertError(await h.api('POST', `/${h.envId}/keys`, {}), 400, 'VALIDATION_FAILED');
    const audit = await h.api('GET', `/${h.envId}/audit?resource=keys&limit=100`);
    assert.equal(audit.status, 200, audit.text);
    const routes = audit.body.map((e: any) => `${e.route} ${e.status_code}`);
    assert.ok(routes.includes('POST /{env}/keys 201'), routes.join('\n'));
    assert.ok(routes.includes('DELETE /{env}/keys/{key_id} 204'), routes.join('\n'));
    assert.ok(routes.includes('DELETE /{env}/keys/{key_id} 409'), routes.join('\n'));
  });
});

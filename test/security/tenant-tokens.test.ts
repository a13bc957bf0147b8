import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { AttackTally } from './attack-tally.js';
import { tenantFolder, useFilesRoot } from './files-root.js';
import { assertError, tenantApiOf, tenantCaller } from './tenant-caller.js';

const claims = (token: string): Record<string, unknown> => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());

describe('tenant tokens: revoked with the tenant, per tenant, one hour by default', () => {
  let h: Harness;
  let publicKey: string;
  let dir: string;
  const links = (tenant: string) => `/${h.envId}/src/${tenant}/linkedSources`;

  before(async () => {
    h = await startHarness();
    // A tenant's csv path is relative to its folder under the files root; the owner's is any folder.
    const root = await useFilesRoot(h);
    dir = await tenantFolder(root, 'gone', 'tokens');
    publicKey = await h.sinew.services.environments.createPublicKey(h.envId);
    assert.equal((await h.api('PUT', `/${h.envId}/flows/src`, { name: 'src', type: 'v1-source', connectors: ['csv'] })).status, 200);
  });
  after(() => h.stop());

  test('a deleted tenant’s token is refused (401) and cannot re-create the tenant', async (t) => {
    const tally = new AttackTally();
    const gone = await tenantCaller(h, 'gone', publicKey);
    assert.equal((await gone.api('POST', links('gone'), { source: { tap: 'csv', config: { path: 'tokens' } } })).status, 200);
    assert.equal((await h.api('DELETE', `/tenant/${h.envId}/gone`)).status, 204);
    const attempts = [
      await gone.api('GET', links('gone')),
      await gone.api('POST', links('gone'), { source: { tap: 'csv', config: { path: 'tokens' } } }),
      await gone.api('GET', `/${h.envId}/src/gone/jobs`),
      await gone.api('PUT', `/${h.envId}/src/gone/jobs/schedule`, { schedule_expression: '* * * * *' }),
      await gone.api('GET', `/${h.envId}/flows/supported`),
    ];
    for (const res of attempts) {
      tally.refusal(res, 401, 'UNAUTHORIZED');
      assert.match(res.body.error.message, /revoked/);
    }
    assert.ok(!(await h.api('GET', `/tenants/${h.envId}`)).body.includes('gone'), 'the old token re-created the tenant');
    assert.deepEqual(await h.sinew.services.store.links.list({ env_id: h.envId, tenant: 'gone' }), []);
    tally.report(t, "item 9: a deleted tenant's token");
  });

  test('a tenant created again under the same id does not honour tokens of the old one', async (t) => {
    const tally = new AttackTally();
    const first = await tenantCaller(h, 'reborn', publicKey);
    assert.equal((await first.api('GET', links('reborn'))).status, 200);
    assert.equal((await h.api('DELETE', `/tenant/${h.envId}/reborn`)).status, 204);
    // The owner links the id again, then issues a token for the new tenant.
    assert.equal((await h.api('POST', links('reborn'), { source: { tap: 'csv', config: { path: dir } } })).status, 200);
    tally.refusal(await first.api('GET', links('reborn')), 401, 'UNAUTHORIZED');
    const second = await tenantCaller(h, 'reborn', publicKey);
    assert.equal((await second.api('GET', links('reborn'))).status, 200);
    tally.refusal(await first.api('GET', links('reborn')), 401, 'UNAUTHORIZED');
    tally.report(t, 'item 9: an old token on a tenant created again');
  });

  test('POST …/token/revoke revokes the tenant’s tokens issued so far, and nobody else’s', async (t) => {
    const tally = new AttackTally();
    const a1 = await tenantCaller(h, 'rev-a', publicKey);
    const a2 = tenantApiOf(h, publicKey, (await h.api('POST', `/tenant/${h.envId}/rev-a/token`, {})).body.token);
    const b = await tenantCaller(h, 'rev-b', publicKey);
    for (const call of [a1.api, a2, b.api]) assert.equal((await call('GET', `/${h.envId}/flows/supported`)).status, 200);
    assert.equal((await h.api('POST', `/tenant/${h.envId}/rev-a/token/revoke`)).status, 204);
    tally.refusal(await a1.api('GET', `/${h.envId}/flows/supported`), 401, 'UNAUTHORIZED');
    tally.refusal(await a2('GET', `/${h.envId}/flows/supported`), 401, 'UNAUTHORIZED');
    assert.equal((await b.api('GET', `/${h.envId}/flows/supported`)).status, 200, 'another tenant is untouched');
    const a3 = await tenantCaller(h, 'rev-a', publicKey);
    assert.equal((await a3.api('GET', `/${h.envId}/flows/supported`)).status, 200, 'a token issued after the revoke works');
    assertError(await h.api('POST', `/tenant/${h.envId}/nobody/token/revoke`), 404, 'NOT_FOUND');
    tally.refusal(await a3.api('POST', `/tenant/${h.envId}/rev-a/token/revoke`), 403, 'FORBIDDEN');
    tally.report(t, 'item 9: revoked tokens');
  });

  test('a token lives one hour unless asked; at most a day', async () => {
    const issued = await h.api('POST', `/tenant/${h.envId}/ttl/token`, {});
    assert.equal(issued.body.expires_in, 3600);
    const c = claims(issued.body.token);
    assert.equal(Number(c.exp) - Number(c.iat), 3600);
    assert.equal(c.sub, 'ttl');
    assert.equal(typeof c.gen, 'string');
    const day = await h.api('POST', `/tenant/${h.envId}/ttl/token`, { ttl_seconds: 86_400 });
    assert.equal(day.status, 200, day.text);
    assertError(await h.api('POST', `/tenant/${h.envId}/ttl/token`, { ttl_seconds: 86_401 }), 400, 'VALIDATION_FAILED');
    assertError(await h.api('POST', `/tenant/${h.envId}/ttl/token`, { ttl_seconds: 2_592_000 }), 400, 'VALIDATION_FAILED');
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { tenantFolder, useFilesRoot } from '../security/files-root.js';
import { type ApiResponse, type Harness, startHarness } from '../support/sinew-harness.js';

function assertError(res: ApiResponse, status: number, code: string): void {
  assert.equal(res.status, status, res.text);
  assert.equal(res.body?.error?.code, code, res.text);
  assert.equal(typeof res.body.error.message, 'string');
}

describe('API authentication and authorization', () => {
  let h: Harness;
  let publicKey: string;
  let tokenA: string;
  const otherKey = 'sk_other_key_0123456789';

  before(async () => {
    h = await startHarness();
    publicKey = await h.sinew.services.environments.createPublicKey(h.envId);
    await h.sinew.services.environments.ensure('other.env', otherKey);
    const src = await h.tmp('auth-src');
    const flow = await h.api('PUT', `/${h.envId}/flows/authflow`, { name: 'auth', type: 'v1-source', connectors: ['csv'] });
    assert.equal(flow.status, 200, flow.text);
    // Tenant B exists with a link, so "forbidden" is not confused with "nothing there".
    const linkB = await h.api('POST', `/${h.envId}/authflow/tenant-b/linkedSources`, { source: { tap: 'csv', config: { path: src } } });
    assert.equal(linkB.status, 200, linkB.text);
    const issued = await h.api('POST', `/tenant/${h.envId}/tenant-a/token`, {});
    assert.equal(issued.status, 200, issued.text);
    assert.equal(issued.body.expires_in, 3600);
    tokenA = issued.body.token;
    assert.match(tokenA, /^[\w-]+\.[\w-]+\.[\w-]+$/);
  });
  after(() => h.stop());

  test('no key and unknown key are 401 UNAUTHORIZED', async () => {
    assertError(await h.api('GET', `/${h.envId}/flows`, undefined, { key: null }), 401, 'UNAUTHORIZED');
    assertError(await h.api('GET', `/${h.envId}/flows`, undefined, { key: 'sk_not_a_real_key_123456' }), 401, 'UNAUTHORIZED');
    assertError(await h.api('GET', `/tenants/${h.envId}`, undefined, { key: '' }), 401, 'UNAUTHORIZED');
    // The environment key works on the same route (the 401s above are about the key, not the route).
    assert.equal((await h.api('GET', `/${h.envId}/flows`)).status, 200);
  });

  test("one environment's key never sees another environment: 404, not 403", async () => {
    const paths = [
      `/other.env/flows`,
      `/other.env/settings`,
      `/tenants/other.env`,
      `/other.env/connectors`,
      `/other.env/authflow/tenant-b/linkedSources`,
    ];
    for (const p of paths) assertError(await h.api('GET', p), 404, 'NOT_FOUND');
    // ...and the other way round: B's key does not see A, even A's existing flow.
    assertError(await h.api('GET', `/${h.envId}/flows/authflow`, undefined, { key: otherKey }), 404, 'NOT_FOUND');
    assertError(await h.api('PUT', `/${h.envId}/settings`, { job_settings: {} }, { key: otherKey }), 404, 'NOT_FOUND');
    // B's key works in B.
    const own = await h.api('GET', `/other.env/flows`, undefined, { key: otherKey });
    assert.equal(own.status, 200, own.text);
    assert.deepEqual(own.body, []);
    // A tenant token of A, presented with the env key of B, still does not open A.
    assertError(
      await h.api('GET', `/${h.envId}/authflow/tenant-a/linkedSources?token=${tokenA}`, undefined, { key: otherKey }),
      404,
      'NOT_FOUND',
    );
  });

  test('a public key without a tenant token is 401', async () => {
    assertError(await h.api('GET', `/${h.envId}/authflow/tenant-a/linkedSources`, undefined, { key: publicKey }), 401, 'UNAUTHORIZED');
  });

  test('public key + tenant token acts for its own tenant (query token or Bearer)', async () => {
    // A tenant's csv path is its own folder under the files root (test/security/file-confinement.test.ts).
    await tenantFolder(await useFilesRoot(h), 'tenant-a', 'auth-a');
    const viaQuery = await h.api(
      'POST',
      `/${h.envId}/authflow/tenant-a/linkedSources?token=${tokenA}`,
      { source: { tap: 'csv', config: { path: 'auth-a' } } },
      { key: publicKey },
    );
    assert.equal(viaQuery.status, 200, viaQuery.text);
    assert.equal(viaQuery.body.tap, 'csv');
    assert.equal(viaQuery.body.tenant, 'tenant-a');
    const viaBearer = await h.api('GET', `/${h.envId}/authflow/tenant-a/linkedSources`, undefined, {
      key: publicKey,
      headers: { authorization: `Bearer ${tokenA}` },
    });
    assert.equal(viaBearer.status, 200, viaBearer.text);
    assert.deepEqual(
      viaBearer.body.map((l: { tap: string }) => l.tap),
      ['csv'],
    );
    const supported = await h.api('GET', `/${h.envId}/flows/supported?token=${tokenA}`, undefined, { key: publicKey });
    assert.equal(supported.status, 200, supported.text);
    assert.ok(supported.body.some((f: { flow_id: string }) => f.flow_id === 'authflow'));
    const linked = await h.api('GET', `/${h.envId}/flows/linked?tenant_id=tenant-a&token=${tokenA}`, undefined, { key: publicKey });
    assert.equal(linked.status, 200, linked.text);
    assert.deepEqual(
      linked.body.map((f: { flow_id: string }) => f.flow_id),
      ['authflow'],
    );
  });

  test("a tenant token cannot reach another tenant's links: 403", async () => {
    const q = `?token=${tokenA}`;
    assertError(await h.api('GET', `/${h.envId}/authflow/tenant-b/linkedSources${q}`, undefined, { key: publicKey }), 403, 'FORBIDDEN');
    assertError(
      await h.api(
        'POST',
        `/${h.envId}/authflow/tenant-b/linkedSources${q}`,
        { source: { tap: 'csv', config: { path: '/tmp' } } },
        { key: publicKey },
      ),
      403,
      'FORBIDDEN',
    );
    assertError(await h.api('DELETE', `/${h.envId}/authflow/tenant-b/linkedSources${q}`, undefined, { key: publicKey }), 403, 'FORBIDDEN');
    assertError(
      await h.api('GET', `/${h.envId}/flows/linked?tenant_id=tenant-b&token=${tokenA}`, undefined, { key: publicKey }),
      403,
      'FORBIDDEN',
    );
    assertError(await h.api('GET', `/${h.envId}/authflow/tenant-b/jobs${q}`, undefined, { key: publicKey }), 403, 'FORBIDDEN');
    // tenant-b's link is untouched.
    const b = await h.api('GET', `/${h.envId}/authflow/tenant-b/linkedSources`);
    assert.equal(b.body.length, 1);
  });

  test('a tenant token cannot reach owner-only routes: 403', async () => {
    const q = `?token=${tokenA}`;
    const opts = { key: publicKey };
    assertError(await h.api('GET', `/${h.envId}/flows${q}`, undefined, opts), 403, 'FORBIDDEN');
    assertError(await h.api('GET', `/${h.envId}/flows/authflow${q}`, undefined, opts), 403, 'FORBIDDEN');
    assertError(await h.api('PUT', `/${h.envId}/flows/evil${q}`, { name: 'x', type: 'v2' }, opts), 403, 'FORBIDDEN');
    assertError(await h.api('DELETE', `/${h.envId}/flows/authflow${q}`, undefined, opts), 403, 'FORBIDDEN');
    assertError(await h.api('GET', `/${h.envId}/settings${q}`, undefined, opts), 403, 'FORBIDDEN');
    assertError(await h.api('PUT', `/${h.envId}/settings${q}`, { job_settings: {} }, opts), 403, 'FORBIDDEN');
    assertError(await h.api('PUT', `/${h.envId}/connectors/tap-x${q}`, { kind: 'source', command: ['true'] }, opts), 403, 'FORBIDDEN');
    assertError(await h.api('GET', `/tenants/${h.envId}${q}`, undefined, opts), 403, 'FORBIDDEN');
    // Even its own tenant's owner-side routes: tenant config, state, tenant deletion, minting tokens.
    assertError(await h.api('GET', `/tenant/${h.envId}/tenant-a/config${q}`, undefined, opts), 403, 'FORBIDDEN');
    assertError(await h.api('DELETE', `/tenant/${h.envId}/tenant-a${q}`, undefined, opts), 403, 'FORBIDDEN');
    assertError(await h.api('POST', `/tenant/${h.envId}/tenant-a/token${q}`, {}, opts), 403, 'FORBIDDEN');
    assertError(await h.api('GET', `/${h.envId}/authflow/tenant-a/linkedSources/state${q}`, undefined, opts), 403, 'FORBIDDEN');
    // The flow is still there.
    assert.equal((await h.api('GET', `/${h.envId}/flows/authflow`)).status, 200);
  });

  test('expired, forged and other-environment tokens are 401', async () => {
    const env = await h.sinew.services.store.environments.get(h.envId);
    const secret = new TextEncoder().encode(h.sinew.services.box.decrypt(env!.token_secret_encrypted));
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ env: h.envId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('tenant-a')
      .setIssuedAt(now - 7200)
      .setExpirationTime(now - 3600)
      .sign(secret);
    const forged = await new SignJWT({ env: h.envId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('tenant-a')
      .setExpirationTime(now + 3600)
      .sign(new TextEncoder().encode('not-the-secret-0123456789abcdef'));
    const wrongEnv = await new SignJWT({ env: 'other.env' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('tenant-a')
      .setExpirationTime(now + 3600)
      .sign(secret);
    // A valid token with its signature swapped for another token's.
    const [head, body] = tokenA.split('.');
    const tampered = `${head}.${body}.${forged.split('.')[2]}`;
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${body}.`;
    for (const token of [expired, forged, wrongEnv, tampered, unsigned, 'garbage']) {
      assertError(
        await h.api('GET', `/${h.envId}/authflow/tenant-a/linkedSources?token=${encodeURIComponent(token)}`, undefined, { key: publicKey }),
        401,
        'UNAUTHORIZED',
      );
    }
    // The same request with the genuine token passes, so the 401s come from the tokens.
    assert.equal(
      (await h.api('GET', `/${h.envId}/authflow/tenant-a/linkedSources?token=${tokenA}`, undefined, { key: publicKey })).status,
      200,
    );
  });

  test('a token issued for a custom TTL carries it; out-of-range TTLs are rejected', async () => {
    const ok = await h.api('POST', `/tenant/${h.envId}/tenant-a/token`, { ttl_seconds: 120 });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.expires_in, 120);
    const payload = JSON.parse(Buffer.from(ok.body.token.split('.')[1], 'base64url').toString());
    assert.equal(payload.sub, 'tenant-a');
    assert.ok(payload.exp - payload.iat === 120);
    assertError(await h.api('POST', `/tenant/${h.envId}/tenant-a/token`, { ttl_seconds: 1 }), 400, 'VALIDATION_FAILED');
    assertError(await h.api('POST', `/tenant/${h.envId}/tenant-a/token`, { ttl: 100 }), 400, 'VALIDATION_FAILED');
  });
});

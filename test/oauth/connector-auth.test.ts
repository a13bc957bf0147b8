import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Harness, startHarness } from '../support/sinew-harness.js';

const TAP = fileURLToPath(new URL('../fixtures/singer/tap-numbers.mjs', import.meta.url));

/** A registered connector declares how tenants authenticate (issue #15): the `auth` section. */
describe('connector definitions declare auth', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.stop());

  const register = (id: string, auth: unknown) =>
    h.api('PUT', `/${h.envId}/connectors/${id}`, { kind: 'source', command: [process.execPath, TAP], auth });

  test('oauth2 with its endpoints and token placement is kept, with PKCE on by default', async () => {
    const auth = {
      type: 'oauth2',
      authorization_url: 'https://login.example.com/authorize',
      token_url: 'https://login.example.com/token',
      scopes: ['read', 'offline'],
      authorize_params: { access_type: 'offline', prompt: 'consent' },
      tokens: { access_token: 'token', refresh_token: 'refresh', expires_at: 'token_expiry', extra: { instance_url: 'api_url' } },
    };
    const put = await register('tap-oauth', auth);
    assert.equal(put.status, 200, put.text);
    const got = await h.api('GET', `/${h.envId}/connectors/tap-oauth`);
    assert.deepEqual(got.body.auth, { ...auth, pkce: true });
  });

  test('none and fields are kept as they are; a definition without auth has none shown', async () => {
    assert.equal((await register('tap-fields', { type: 'fields' })).status, 200);
    assert.deepEqual((await h.api('GET', `/${h.envId}/connectors/tap-fields`)).body.auth, { type: 'fields' });
    assert.equal(
      (await h.api('PUT', `/${h.envId}/connectors/tap-plain`, { kind: 'source', command: [process.execPath, TAP] })).status,
      200,
    );
    assert.equal((await h.api('GET', `/${h.envId}/connectors/tap-plain`)).body.auth, undefined);
  });

  test('an oauth2 section must say where to go and may not set the parameters Sinew sets', async () => {
    const missing = await register('tap-bad', { type: 'oauth2', authorization_url: 'https://login.example.com/authorize' });
    assert.equal(missing.status, 400, missing.text);
    assert.deepEqual(missing.body.error.details.fields, ['auth.token_url', 'auth.tokens']);
    const reserved = await register('tap-bad', {
      type: 'oauth2',
      authorization_url: 'https://login.example.com/authorize',
      token_url: 'https://login.example.com/token',
      authorize_params: { redirect_uri: 'https://evil.example.com/' },
      tokens: { access_token: 'token' },
    });
    assert.equal(reserved.status, 400, reserved.text);
    assert.deepEqual(reserved.body.error.details.fields, ['auth.authorize_params.redirect_uri']);
    const notUrl = await register('tap-bad', {
      type: 'oauth2',
      authorization_url: 'javascript:alert(1)',
      token_url: 'https://x.example.com/t',
      tokens: { access_token: 'a' },
    });
    assert.equal(notUrl.status, 400, notUrl.text);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, mock, test } from 'node:test';
import { buildWeb } from '../../scripts/build-web.js';
import { assertError, tenantApiOf, tenantCaller } from '../security/tenant-caller.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';

const HOST = 'http://127.0.0.1:4555';

/**
 * The widget's API (issue #16) without a browser: CORS for allowed origins only, the tenant's view of
 * a flow (what it may see and nothing more), and magic links (owner only, single use, expiring).
 */
describe('the widget API', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    const flow = await h.api('PUT', `/${h.envId}/flows/crm`, { name: 'CRM', type: 'v2', connectors: ['csv', 'hubspot'] });
    assert.equal(flow.status, 200, flow.text);
    const singer = await h.api('PUT', `/${h.envId}/flows/other`, { name: 'Other', type: 'v1-source', connectors: ['csv'] });
    assert.equal(singer.status, 200, singer.text);
  });
  after(async () => h.stop());

  test('widget.js is served to anyone as one script, within its 60 KB gzipped budget', async () => {
    const [widget] = (await buildWeb()).filter((f) => f.file === 'widget.js');
    assert.ok(widget!.gzipBytes <= 60 * 1024, `widget.js is ${widget!.gzipBytes} bytes gzipped`);
    const res = await h.api('GET', '/widget.js', undefined, { key: null });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.match(res.text, /Sinew/);
  });

  test('CORS: only the origins the owner lists may call the API from a browser', async () => {
    const preflight = (origin: string, path = `/${h.envId}/flows/supported`) =>
      h.api('OPTIONS', path, undefined, {
        key: null,
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-api-key, authorization' },
      });
    // None listed: no other origin.
    const refused = await preflight(HOST);
    assert.equal(refused.status, 403);
    assert.equal(refused.headers.get('access-control-allow-origin'), null);
    const set = await h.api('PUT', `/${h.envId}/settings`, { widget: { allowed_origins: [HOST] } });
    assert.equal(set.status, 200, set.text);
    assert.deepEqual(set.body.widget.allowed_origins, [HOST]);
    const allowed = await preflight(HOST);
    assert.equal(allowed.status, 204);
    assert.equal(allowed.headers.get('access-control-allow-origin'), HOST);
    assert.match(allowed.headers.get('access-control-allow-headers') ?? '', /x-api-key/);
    assert.equal((await preflight(HOST, `/v2/${h.envId}/crm/acme/linkedConnectors`)).status, 204);
    assert.equal((await preflight('http://127.0.0.1:4556')).status, 403);
    // Another environment's list does not count, nor an unknown environment.
    assert.equal((await preflight(HOST, '/no.such.env/flows/supported')).status, 403);
    const t = await tenantCaller(h, 'acme');
    const answer = await h.api('GET', `/${h.envId}/flows/supported`, undefined, {
      key: t.publicKey,
      headers: { authorization: `Bearer ${t.token}`, origin: HOST },
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('access-control-allow-origin'), HOST);
    const other = await h.api('GET', `/${h.envId}/flows/supported`, undefined, {
      key: t.publicKey,
      headers: { authorization: `Bearer ${t.token}`, origin: 'http://evil.example' },
    });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    // An origin with a path is not an origin.
    assertError(await h.api('PUT', `/${h.envId}/settings`, { widget: { allowed_origins: [`${HOST}/app`] } }), 400, 'VALIDATION_FAILED');
  });

  test("a tenant sees a flow's connectors as a form, never how they run; another tenant's paths stay closed", async () => {
    const t = await tenantCaller(h, 'acme');
    const view = await t.api('GET', `/${h.envId}/flows/crm/connectors`);
    assert.equal(view.status, 200, view.text);
    assert.deepEqual(
      view.body.connectors.map((c: any) => c.id),
      ['csv', 'hubspot'],
    );
    const hubspot = view.body.connectors.find((c: any) => c.id === 'hubspot');
    // No OAuth app yet: the form, access token included.
    assert.equal(hubspot.auth, 'fields');
    assert.ok(hubspot.config_schema.properties.access_token);
    assert.equal(view.body.tenant_limits.min_schedule_interval_minutes, 15);
    for (const field of ['runtime', 'command', 'probe', 'builtin']) assert.ok(!view.text.includes(`"${field}"`), field);
    assertError(await t.api('GET', `/${h.envId}/flows/nope/connectors`), 404, 'NOT_FOUND');
    assertError(await t.api('GET', `/other.env/flows/crm/connectors`), 404, 'NOT_FOUND');
    assertError(await h.api('GET', `/${h.envId}/flows/crm/connectors`, undefined, { key: null }), 401, 'UNAUTHORIZED');
    // The tenant's token is for acme: globex's links are not its to read.
    assertError(await t.api('GET', `/v2/${h.envId}/crm/globex/linkedConnectors`), 403, 'FORBIDDEN');
  });

  test('magic links: the owner makes them; a link works once, and not after it expires', async () => {
    const t = await tenantCaller(h, 'acme');
    assertError(await t.api('POST', `/${h.envId}/connect`, { tenant: 'acme' }), 403, 'FORBIDDEN');
    assertError(await h.api('POST', `/${h.envId}/connect`, { tenant: '../x' }), 400, 'VALIDATION_FAILED');
    assertError(await h.api('POST', `/${h.envId}/connect`, { tenant: 'acme', flow_id: 'nope' }), 404, 'NOT_FOUND');
    assertError(
      await h.api('POST', `/${h.envId}/connect`, { tenant: 'acme', flow_id: 'crm', connector_id: 'jsonl' }),
      422,
      'CONNECTOR_NOT_SUPPORTED',
    );
    const made = await h.api('POST', `/${h.envId}/connect`, { tenant: 'acme', flow_id: 'crm', connector_id: 'csv', expires_in: 600 });
    assert.equal(made.status, 200, made.text);
    assert.equal(made.body.connector_id, 'csv');
    const token = new URL(made.body.url).hash.slice(1);
    assert.ok(!made.text.includes(h.key));

    const session = await h.api('POST', '/connect/session', { token }, { key: null });
    assert.equal(session.status, 200, session.text);
    assert.equal(session.body.tenant, 'acme');
    assert.equal(session.body.flow_id, 'crm');
    assert.ok(!session.text.includes(h.key), 'never the owner key');
    // The session acts as acme, and only as acme.
    const asAcme = tenantApiOf(h, session.body.public_key, session.body.token);
    assert.equal((await asAcme('GET', `/v2/${h.envId}/crm/acme/linkedConnectors`)).status, 200);
    assertError(await asAcme('GET', `/v2/${h.envId}/crm/globex/linkedConnectors`), 403, 'FORBIDDEN');
    assertError(await asAcme('GET', `/${h.envId}/flows`), 403, 'FORBIDDEN');
    // Once only.
    assertError(await h.api('POST', '/connect/session', { token }, { key: null }), 401, 'UNAUTHORIZED');
    // Forged: a token of another shape.
    assertError(await h.api('POST', '/connect/session', { token: `${token.slice(0, -4)}AAAA` }, { key: null }), 401, 'UNAUTHORIZED');

    // Expired: the clock moves past the link's expiry (Date only; timers run as they do).
    const late = await h.api('POST', `/${h.envId}/connect`, { tenant: 'acme', expires_in: 60 });
    assert.equal(late.status, 200, late.text);
    mock.timers.enable({ apis: ['Date'], now: Date.now() + 120_000 });
    try {
      assertError(
        await h.api('POST', '/connect/session', { token: new URL(late.body.url).hash.slice(1) }, { key: null }),
        401,
        'UNAUTHORIZED',
      );
    } finally {
      mock.timers.reset();
    }
  });
});

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FakeHubspot } from '../fakes/fake-hubspot.js';
import { FakeOAuthServer } from '../fakes/fake-oauth-server.js';
import { atLeast } from '../support/elements.js';
import { filesUnder } from '../support/files-under.js';
import { migratedSchemaInPostgresMode, type PostgresTestSchema } from '../support/postgres-schema.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';
import { BROWSER, type Caller, callerOf, consent, setHubspotApp, tenantOf } from './oauth-support.js';

const ENV = 'oauth.sinew.local';
const KEY = `sk_oauth_${Math.random().toString(36).slice(2)}`;

/**
 * OAuth linking through the API (issue #15): the owner's OAuth app, a tenant's authorization code
 * flow with PKCE against a real (loopback) authorization server, and every way it can fail — each
 * a clear outcome and a connection event. The server is a real process, so its log is read too:
 * no client secret and no token may appear in an answer, an event, a log line or the data dir.
 */
describe('OAuth linking: start, consent, callback', () => {
  let dataDir: string;
  let pg: PostgresTestSchema | null = null;
  let server: ServerProcess;
  let oauth: FakeOAuthServer;
  let hubspot: FakeHubspot;
  let hubspotUrl: string;
  let owner: Caller;
  let acme: Caller;

  const connectionEvents = async (): Promise<any[]> => {
    const res = await owner('GET', `/${ENV}/events?kind=connection&limit=100`);
    assert.equal(res.status, 200, res.text);
    return res.body.map((e: any) => e.payload);
  };
  const start = (caller: Caller, body: Record<string, unknown> = {}) =>
    caller('POST', `/${ENV}/oa/acme/oauth/hubspot/start`, { config: { base_url: hubspotUrl }, ...body });

  before(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sinew-oauth-'));
    pg = await migratedSchemaInPostgresMode();
    oauth = await new FakeOAuthServer().start();
    // The tenant's system accepts only the access token the authorization server issued last.
    hubspot = new FakeHubspot(() => oauth.currentAccessToken);
    hubspotUrl = await hubspot.server.start();
    server = await startServerProcess(
      {
        SINEW_DATA_DIR: dataDir,
        SINEW_ENV_ID: ENV,
        SINEW_API_KEY: KEY,
        SINEW_LOG_LEVEL: 'debug',
        SINEW_OUTBOUND_ALLOW_LOOPBACK: 'true',
        ...(pg ? { SINEW_DATABASE_URL: pg.url, SINEW_DATABASE_SCHEMA: pg.schema } : {}),
      },
      { captureStdout: true },
    );
    owner = callerOf(server.url, KEY);
    const flow = await owner('PUT', `/${ENV}/flows/oa`, { name: 'oa', type: 'v1-target', connectors: ['hubspot'] });
    assert.equal(flow.status, 200, flow.text);
    acme = await tenantOf(owner, server.url, ENV, 'acme');
  });
  after(async () => {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
    await oauth.stop();
    await hubspot.server.stop();
    await pg?.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  test("hubspot declares OAuth; its OAuth app is the owner's, and its secret is never shown", async () => {
    const def = await owner('GET', `/${ENV}/connectors/hubspot`);
    assert.equal(def.body.auth.type, 'oauth2');
    assert.equal(def.body.auth.token_url, 'https://api.hubapi.com/oauth/v1/token');
    assert.deepEqual(def.body.auth.tokens, { access_token: 'access_token', refresh_token: 'refresh_token', expires_at: 'expires_at' });

    const before = await start(acme);
    assert.equal(before.status, 422, before.text);
    assert.equal(before.body.error.code, 'OAUTH_NOT_CONFIGURED');

    await setHubspotApp(owner, ENV, server.url, oauth);
    const read = await owner('GET', `/${ENV}/connectors/hubspot/oauth-app`);
    assert.equal(read.status, 200, read.text);
    assert.equal(read.body.client_secret, '********');
    assert.equal(read.body.client_id, oauth.clientId);
    // Sent back as read, the secret stays what it was (the flow below uses it).
    const resave = await owner('PUT', `/${ENV}/connectors/hubspot/oauth-app`, {
      ...read.body,
      connector_id: undefined,
      updated_at: undefined,
    });
    assert.equal(resave.status, 200, resave.text);

    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await acme(
        method,
        `/${ENV}/connectors/hubspot/oauth-app`,
        method === 'PUT' ? { client_id: 'x', client_secret: 'y', redirect_uri: 'https://evil.example/cb' } : undefined,
      );
      assert.equal(res.status, 403, `${method}: ${res.text}`);
    }
    // A connector without OAuth has no app to set.
    const csv = await owner('PUT', `/${ENV}/connectors/http/oauth-app`, {
      client_id: 'x',
      client_secret: 'y',
      redirect_uri: 'https://sinew.example/oauth/callback',
    });
    assert.equal(csv.body.error?.code, 'OAUTH_NOT_CONFIGURED', csv.text);
  });

  test('a tenant links by OAuth: PKCE S256, tokens sealed in its link, and its system accepts them', async () => {
    const started = await start(acme);
    assert.equal(started.status, 200, started.text);
    const url = new URL(started.body.authorization_url);
    assert.equal(`${url.origin}${url.pathname}`, `${oauth.url}/authorize`);
    assert.equal(url.searchParams.get('client_id'), oauth.clientId);
    assert.equal(url.searchParams.get('redirect_uri'), `${server.url}/oauth/callback`);
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.match(url.searchParams.get('code_challenge')!, /^[\w-]{43}$/);
    assert.equal(url.searchParams.get('scope'), 'crm.objects.contacts.write crm.objects.companies.write');
    const expires = Date.parse(started.body.expires_at) - Date.now();
    assert.ok(expires > 9 * 60_000 && expires <= 10 * 60_000, `the state holds 10 minutes (${expires} ms)`);

    const landed = await consent(started.body.authorization_url);
    assert.equal(landed.status, 200, landed.text);
    assert.match(landed.text, /"code":"linked"/);
    // The pop-up posts the outcome to the owner's allow-listed origin only, under a nonce CSP.
    // The OAuth app's return origins, and Sinew's own (the hosted connect page of a magic link opens pop-ups too).
    assert.match(landed.text, /"origins":\["https:\/\/app\.example\.com","http:\/\/127\.0\.0\.1:\d+"\]/);
    const exchange = oauth.tokenRequests.find((r) => r.grant_type === 'authorization_code')!;
    assert.ok(exchange.code_verifier, 'the code was exchanged with its PKCE verifier (the server checked it)');

    const links = await acme('GET', `/${ENV}/oa/acme/linkedTargets`);
    assert.equal(links.status, 200, links.text);
    assert.equal(links.body[0].config.access_token, '********');
    assert.equal(links.body[0].config.refresh_token, '********');
    assert.equal(links.body[0].config.base_url, hubspotUrl);
    assert.ok(links.body[0].config.expires_at > Date.now() / 1000 + 3000);

    const write = await acme('POST', `/${ENV}/oa/acme/connectors/hubspot/contacts`, {
      data: { externalId: 'c-1', email: 'c1@example.com' },
    });
    assert.equal(write.status, 200, write.text);
    assert.equal(write.body.state.summary.contacts.success, 1, write.text);

    const events = await connectionEvents();
    assert.ok(
      events.some((e) => e.event === 'LINK' && e.tenant === 'acme' && e.connector === 'hubspot'),
      JSON.stringify(events),
    );
  });

  test('a v2 flow links the connector by OAuth the same way (linkedConnectors)', async () => {
    assert.equal((await owner('PUT', `/${ENV}/flows/oa2`, { name: 'oa2', type: 'v2', connectors: ['hubspot'] })).status, 200);
    const started = await acme('POST', `/${ENV}/oa2/acme/oauth/hubspot/start`, { config: { base_url: hubspotUrl } });
    assert.equal(started.status, 200, started.text);
    const landed = await consent(started.body.authorization_url);
    assert.match(landed.text, /"code":"linked"/);
    const links = await acme('GET', `/v2/${ENV}/oa2/acme/linkedConnectors`);
    assert.equal(links.status, 200, links.text);
    assert.equal(links.body[0].connector_id, 'hubspot');
    assert.equal(links.body[0].config.access_token, '********');
    assert.equal(links.body[0].health.status, 'ok');
    const write = await acme('POST', `/v2/${ENV}/oa2/acme/connectors/hubspot/contacts`, {
      data: { externalId: 'v2-1', email: 'v2@example.com' },
    });
    assert.equal(write.status, 200, write.text);
  });

  test('the same callback twice: the second is refused, says so, and is a connection event', async () => {
    const started = await start(acme);
    const first = await consent(started.body.authorization_url);
    assert.equal(first.status, 200, first.text);
    const again = await fetch(first.callbackUrl, { redirect: 'manual', headers: BROWSER });
    const text = await again.text();
    assert.equal(again.status, 400, text);
    assert.match(again.headers.get('content-type')!, /^text\/html/);
    assert.match(text, /"code":"state_used_or_expired"/);
    assert.match(text, /already completed or has expired/);
    // A client that is not a browser gets the API's own error instead of the page.
    const asApi = await fetch(first.callbackUrl, { redirect: 'manual' });
    const body = (await asApi.json()) as any;
    assert.equal(asApi.status, 400);
    assert.equal(body.error.code, 'VALIDATION_FAILED');
    assert.equal(body.error.details.outcome, 'state_used_or_expired');
    const events = await connectionEvents();
    assert.ok(
      events.some((e) => e.event === 'OAUTH_FAILED' && e.error?.code === 'state_used_or_expired'),
      JSON.stringify(events),
    );
  });

  test('a forged or altered state links nothing', async () => {
    const started = await start(acme);
    const state = new URL(started.body.authorization_url).searchParams.get('state')!;
    const [header, payload, signature] = atLeast(3, state.split('.'), 'the state');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const altered = `${header}.${Buffer.from(JSON.stringify({ ...claims, tenant: 'other' })).toString('base64url')}.${signature}`;
    for (const bad of [altered, 'not-a-state', `${header}.${payload}.${'A'.repeat(43)}`]) {
      const res = await fetch(`${server.url}/oauth/callback?state=${encodeURIComponent(bad)}&code=anything`, {
        redirect: 'manual',
        headers: BROWSER,
      });
      const text = await res.text();
      assert.equal(res.status, 400, text);
      assert.match(text, /"code":"invalid_state"/);
    }
    const other = await owner('GET', `/${ENV}/oa/other/linkedTargets`);
    assert.deepEqual(other.body, []);
  });

  test('denied consent ends at the allow-listed return URL with the outcome, and an event', async () => {
    const refused = await start(acme, { return_url: 'https://evil.example.com/integrations' });
    assert.equal(refused.status, 400, refused.text);
    assert.equal(refused.body.error.details.field, 'return_url');

    oauth.denyConsent = true;
    try {
      const started = await start(acme, { return_url: 'https://app.example.com/integrations/done?x=1' });
      assert.equal(started.status, 200, started.text);
      const landed = await consent(started.body.authorization_url);
      assert.equal(landed.status, 303);
      const back = new URL(landed.location!);
      assert.equal(`${back.origin}${back.pathname}`, 'https://app.example.com/integrations/done');
      assert.equal(back.searchParams.get('sinew_oauth'), 'access_denied');
      assert.equal(back.searchParams.get('connector_id'), 'hubspot');
      assert.equal(back.searchParams.get('x'), '1');
    } finally {
      oauth.denyConsent = false;
    }
    const events = await connectionEvents();
    assert.ok(
      events.some((e) => e.event === 'OAUTH_FAILED' && e.error?.code === 'access_denied' && e.tenant === 'acme'),
      JSON.stringify(events),
    );
  });

  test('a token endpoint error ends the flow with its code, links nothing new, and is an event', async () => {
    const before = await owner('GET', `/${ENV}/oa/acme/linkedTargets`);
    const started = await start(acme);
    // The owner's app now holds a secret the server does not know: the exchange is refused.
    await owner('PUT', `/${ENV}/connectors/hubspot/oauth-app`, {
      client_id: oauth.clientId,
      client_secret: 'wrong-secret-value',
      redirect_uri: `${server.url}/oauth/callback`,
      token_url: `${oauth.url}/token`,
      authorization_url: `${oauth.url}/authorize`,
    });
    try {
      const landed = await consent(started.body.authorization_url);
      assert.equal(landed.status, 400, landed.text);
      assert.match(landed.text, /"code":"invalid_client"/);
    } finally {
      await setHubspotApp(owner, ENV, server.url, oauth);
    }
    const afterwards = await owner('GET', `/${ENV}/oa/acme/linkedTargets`);
    assert.equal(afterwards.body[0].updated_at, before.body[0].updated_at, 'the link was not touched');
    const events = await connectionEvents();
    assert.ok(
      events.some((e) => e.event === 'OAUTH_FAILED' && e.error?.code === 'invalid_client'),
      JSON.stringify(events),
    );
  });

  test('a tenant starts only its own, only for connectors its flow offers, with a config the link accepts; a revoke mid-flow links nothing', async () => {
    const other = await acme('POST', `/${ENV}/oa/beta/oauth/hubspot/start`, {});
    assert.equal(other.status, 403, other.text);
    await owner('PUT', `/${ENV}/flows/nohub`, { name: 'nohub', type: 'v1-target', connectors: ['http'] });
    const notOffered = await acme('POST', `/${ENV}/nohub/acme/oauth/hubspot/start`, {});
    assert.equal(notOffered.status, 422, notOffered.text);
    assert.equal(notOffered.body.error.code, 'CONNECTOR_NOT_SUPPORTED');
    // A config the link would refuse is refused before the user is sent to consent.
    const privateHost = await acme('POST', `/${ENV}/oa/acme/oauth/hubspot/start`, { config: { base_url: 'http://10.1.2.3' } });
    assert.equal(privateHost.status, 422, privateHost.text);
    assert.equal(privateHost.body.error.code, 'ADDRESS_REFUSED');
    assert.equal(privateHost.body.error.details.field, 'base_url');

    const gamma = await tenantOf(owner, server.url, ENV, 'gamma');
    const started = await gamma('POST', `/${ENV}/oa/gamma/oauth/hubspot/start`, { config: { base_url: hubspotUrl } });
    assert.equal(started.status, 200, started.text);
    assert.equal((await owner('POST', `/tenant/${ENV}/gamma/token/revoke`, {})).status, 204);
    const landed = await consent(started.body.authorization_url);
    assert.equal(landed.status, 400, landed.text);
    assert.match(landed.text, /"code":"tenant_revoked"/);
    assert.deepEqual((await owner('GET', `/${ENV}/oa/gamma/linkedTargets`)).body, []);
  });

  test('no client secret, token or code appears in an answer, an event, the log or the data dir', async () => {
    const codes = oauth.tokenRequests.map((r) => r.code).filter(Boolean) as string[];
    const planted = [oauth.clientSecret, ...oauth.issued, ...codes];
    assert.ok(oauth.issued.length >= 4, 'tokens were issued');
    const events = await owner('GET', `/${ENV}/events?limit=500`);
    const audit = await owner('GET', `/${ENV}/audit?limit=500`);
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
    const everything = [...owner.texts, events.text, audit.text, server.stdout(), server.stderr()].join('\n');
    assert.ok(server.stdout().includes('/oauth/callback'), 'the server logged the callbacks');
    for (const secret of planted) assert.ok(!everything.includes(secret), `a secret leaked: ${secret.slice(0, 6)}…`);
    if (!pg) {
      for (const file of await filesUnder(dataDir)) {
        const bytes = await fs.readFile(file).catch(() => Buffer.alloc(0));
        for (const secret of planted) assert.ok(!bytes.includes(secret), `${file} holds a secret in clear`);
      }
    }
  });
});

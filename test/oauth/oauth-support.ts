import assert from 'node:assert/strict';
import { FakeHubspot } from '../fakes/fake-hubspot.js';
import { FakeOAuthServer } from '../fakes/fake-oauth-server.js';
import { startHarness } from '../support/sinew-harness.js';

/** Calls a Sinew API; every answer is kept, so a test can look for secrets in all of them. */
export interface Caller {
  (method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; text: string }>;
  texts: string[];
}

export function callerOf(baseUrl: string, key: string, extra: Record<string, string> = {}, texts: string[] = []): Caller {
  const call = (async (method, p, body, headers = {}) => {
    const res = await fetch(`${baseUrl}${p}`, {
      method,
      headers: { 'x-api-key': key, ...extra, ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    texts.push(text);
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed, text };
  }) as Caller;
  call.texts = texts;
  return call;
}

/** A public key and a token for `tenant`, through the API; the returned caller acts as that tenant. */
export async function tenantOf(owner: Caller, baseUrl: string, envId: string, tenant: string): Promise<Caller> {
  const key = await owner('POST', `/${envId}/keys`, { kind: 'public' });
  assert.equal(key.status, 201, key.text);
  const token = await owner('POST', `/tenant/${envId}/${tenant}/token`, {});
  assert.equal(token.status, 200, token.text);
  return callerOf(baseUrl, key.body.key, { authorization: `Bearer ${token.body.token}` }, owner.texts);
}

/** The owner sets the environment's OAuth app for hubspot, pointed at the fake server. */
export async function setHubspotApp(
  owner: Caller,
  envId: string,
  sinewUrl: string,
  oauth: FakeOAuthServer,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const put = await owner('PUT', `/${envId}/connectors/hubspot/oauth-app`, {
    client_id: oauth.clientId,
    client_secret: oauth.clientSecret,
    redirect_uri: `${sinewUrl}/oauth/callback`,
    return_urls: ['https://app.example.com/integrations'],
    authorization_url: `${oauth.url}/authorize`,
    token_url: `${oauth.url}/token`,
    ...extra,
  });
  assert.equal(put.status, 200, put.text);
}

/** What a browser sends: the callback answers it a page rather than JSON. */
export const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

/**
 * What the user's browser does: opens the authorization URL, is sent back by the provider's
 * consent screen to Sinew's callback, and lands wherever the callback says (without following it).
 */
export async function consent(
  authorizationUrl: string,
): Promise<{ callbackUrl: string; status: number; location: string | null; text: string }> {
  const atProvider = await fetch(authorizationUrl, { redirect: 'manual', headers: BROWSER });
  assert.equal(atProvider.status, 302, await atProvider.text());
  const callbackUrl = atProvider.headers.get('location')!;
  const landed = await fetch(callbackUrl, { redirect: 'manual', headers: BROWSER });
  return { callbackUrl, status: landed.status, location: landed.headers.get('location'), text: await landed.text() };
}

/** Links acme's hubspot through the whole flow, as the tenant, and checks it ended linked. */
export async function linkByOAuth(
  tenant: Caller,
  envId: string,
  flow: string,
  tenantId: string,
  config: Record<string, unknown>,
): Promise<void> {
  const start = await tenant('POST', `/${envId}/${flow}/${tenantId}/oauth/hubspot/start`, { config });
  assert.equal(start.status, 200, start.text);
  const landed = await consent(start.body.authorization_url);
  assert.equal(landed.status, 200, landed.text);
  assert.match(landed.text, /"code":"linked"/);
}

/**
 * A harness with a loopback OAuth server, a HubSpot that accepts any live token it issued (or what
 * `accepts` says), a v1 target flow `flowId` offering hubspot, the OAuth app set, and tenant acme.
 */
export async function hubspotOAuthSetup(flowId: string, accepts?: (token: string, oauth: FakeOAuthServer) => boolean) {
  const h = await startHarness();
  const oauth = await new FakeOAuthServer().start();
  const hubspot = new FakeHubspot({ accepts: (t) => (accepts ? accepts(t, oauth) : oauth.accepts(t)) });
  const hubspotUrl = await hubspot.server.start();
  const owner = callerOf(h.url, h.key);
  assert.equal(
    (await owner('PUT', `/${h.envId}/flows/${flowId}`, { name: flowId, type: 'v1-target', connectors: ['hubspot'] })).status,
    200,
  );
  await setHubspotApp(owner, h.envId, h.url, oauth);
  const acme = await tenantOf(owner, h.url, h.envId, 'acme');
  const stop = async (): Promise<void> => {
    await oauth.stop();
    await hubspot.server.stop();
    await h.stop();
  };
  return { h, oauth, hubspot, hubspotUrl, owner, acme, stop };
}

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FakeHubspot } from '../fakes/fake-hubspot.js';
import type { FakeOAuthServer } from '../fakes/fake-oauth-server.js';
import type { Harness } from '../support/sinew-harness.js';
import { type Caller, hubspotOAuthSetup, linkByOAuth } from './oauth-support.js';

/**
 * Tokens while a job runs (issue #15): a built-in connector asks for its token per request, so a job
 * that outlives its token gets fresh ones from the worker (refreshed under the link's lock); a 401
 * gets one refresh; a 401 after it fails the job (CREDENTIALS_REJECTED) and makes the link invalid.
 * A provider that never says when tokens expire is refreshed only on a 401. The tenant's system
 * accepts exactly the tokens the authorization server issued that have not expired.
 */
describe('OAuth tokens during a job', () => {
  let h: Harness;
  let oauth: FakeOAuthServer;
  let hubspot: FakeHubspot;
  let hubspotUrl: string;
  let owner: Caller;
  let acme: Caller;
  let refuseAll = false;

  const contacts = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({ externalId: `${prefix}-${i}`, email: `${prefix}-${i}@example.com` }));
  const runJob = async (prefix: string, n: number): Promise<any> => {
    const job = await acme('POST', `/${h.envId}/tj/acme/jobs`, { tap: 'api', state: { contacts: contacts(prefix, n) } });
    assert.equal(job.status, 200, job.text);
    return h.waitForJob('tj', 'acme', job.body.job_id, { timeoutMs: 60_000 });
  };
  const tokensSeenSince = (from: number): string[] => hubspot.server.requests.slice(from).map((r) => String(r.headers.authorization));

  let stop: () => Promise<void>;

  before(async () => {
    ({ h, oauth, hubspot, hubspotUrl, owner, acme, stop } = await hubspotOAuthSetup('tj', (t, server) => !refuseAll && server.accepts(t)));
  });
  after(() => stop());

  test('access tokens that live 2 s: a job of ~5 s gets fresh ones as it goes, and every record is written', async (t) => {
    oauth.accessTtlSeconds = 2;
    // One record per call, one call at a time, 150 ms each: the job outlives two tokens.
    await linkByOAuth(acme, h.envId, 'tj', 'acme', { base_url: hubspotUrl, batch_size: 1, concurrency: 1, max_attempts: 1 });
    hubspot.server.latencyMs = 150;
    const from = hubspot.server.requests.length;
    const refreshes = oauth.refreshRequests().length;
    try {
      const done = await runJob('long', 30);
      assert.equal(done.status, 'JOB_COMPLETED', done.error);
    } finally {
      hubspot.server.latencyMs = 0;
    }
    const used = new Set(tokensSeenSince(from));
    t.diagnostic(
      `30 calls over ~${30 * 150} ms with 2 s tokens: ${used.size} tokens used, ${oauth.refreshRequests().length - refreshes} refreshes`,
    );
    assert.ok(used.size >= 3, `the job used ${used.size} tokens: it refreshed as it went`);
    assert.equal(hubspot.objects.get('contacts')!.size >= 30, true);
    const health = (await acme('GET', `/${h.envId}/tj/acme/linkedTargets`)).body[0].health;
    assert.equal(health.status, 'ok');
  });

  test('no expires_in: no refresh before jobs; a token the provider dropped gets one refresh on the 401', async () => {
    oauth.omitExpiresIn = true;
    await linkByOAuth(acme, h.envId, 'tj', 'acme', { base_url: hubspotUrl });
    const link = (await acme('GET', `/${h.envId}/tj/acme/linkedTargets`)).body[0];
    assert.equal(link.config.expires_at, undefined, 'no expiry kept: the token is never said to expire');
    const n = oauth.refreshRequests().length;
    assert.equal((await runJob('plain', 2)).status, 'JOB_COMPLETED');
    assert.equal(oauth.refreshRequests().length, n, 'nothing refreshed before (or during) the job');

    oauth.expireAccessTokens();
    const from = hubspot.server.requests.length;
    const done = await runJob('after-401', 2);
    assert.equal(done.status, 'JOB_COMPLETED', done.error);
    assert.equal(oauth.refreshRequests().length, n + 1, 'one refresh, on the 401');
    assert.equal(new Set(tokensSeenSince(from)).size, 2, 'the refused token, then the refreshed one');

    // A real-time write does the same.
    oauth.expireAccessTokens();
    const write = await acme('POST', `/${h.envId}/tj/acme/connectors/hubspot/contacts`, {
      data: { externalId: 'rt-1', email: 'rt1@example.com' },
    });
    assert.equal(write.status, 200, write.text);
    assert.equal(write.body.state.summary.contacts.success, 1, write.text);
    assert.equal(oauth.refreshRequests().length, n + 2);
  });

  test('a 401 again after the refresh: the job fails with CREDENTIALS_REJECTED, the link turns invalid (one INVALID event)', async () => {
    refuseAll = true;
    const n = oauth.refreshRequests().length;
    const done = await runJob('refused', 2);
    assert.equal(done.status, 'EXPORT_FAILED');
    assert.match(String(done.error), /refused the access token again after a refresh \(CREDENTIALS_REJECTED\)/);
    assert.equal(oauth.refreshRequests().length, n + 1, 'one refresh attempt, no more');
    const health = (await acme('GET', `/${h.envId}/tj/acme/linkedTargets`)).body[0].health;
    assert.equal(health.status, 'invalid');
    assert.equal(health.reason.code, 'credentials_rejected');

    const write = await acme('POST', `/${h.envId}/tj/acme/connectors/hubspot/contacts`, {
      data: { externalId: 'rt-2', email: 'rt2@example.com' },
    });
    assert.equal(write.status, 422, write.text);
    assert.equal(write.body.error.code, 'CREDENTIALS_REJECTED');
    assert.equal(oauth.refreshRequests().length, n + 1, 'an invalid link is not refreshed again');
    const events = (await owner('GET', `/${h.envId}/events?kind=connection&limit=100`)).body.filter(
      (e: any) => e.payload.event === 'INVALID',
    );
    assert.equal(events.length, 1, JSON.stringify(events));
    assert.equal(events[0].payload.error.code, 'credentials_rejected');

    refuseAll = false;
    oauth.omitExpiresIn = false;
    await linkByOAuth(acme, h.envId, 'tj', 'acme', { base_url: hubspotUrl });
    assert.equal((await acme('GET', `/${h.envId}/tj/acme/linkedTargets`)).body[0].health.status, 'ok', 'relinking resets it');
  });

  test('no token or client secret in any answer, event, job or log', async () => {
    const events = await owner('GET', `/${h.envId}/events?limit=500`);
    const jobs = await owner('GET', `/${h.envId}/jobs`);
    const logs: string[] = [];
    for (const j of jobs.body) logs.push((await owner('GET', `/${h.envId}/tj/acme/jobs/${j.job_id}/logs`)).text);
    const all = [...owner.texts, ...acme.texts, events.text, jobs.text, ...logs].join('\n');
    for (const secret of [oauth.clientSecret, ...oauth.issued]) assert.ok(!all.includes(secret), `leaked: ${secret.slice(0, 6)}…`);
  });
});

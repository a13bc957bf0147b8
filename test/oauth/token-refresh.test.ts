import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Scheduler } from '../../src/schedules/scheduler.js';
import { FakeHubspot } from '../fakes/fake-hubspot.js';
import { FakeOAuthServer } from '../fakes/fake-oauth-server.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { type Caller, callerOf, linkByOAuth, setHubspotApp, tenantOf } from './oauth-support.js';

/**
 * Refresh that holds (issue #15): before a real-time write and before a job, an access token about
 * to expire is refreshed — once, however many callers need it at the same moment — a rotated
 * refresh token is kept, and a refused refresh (`invalid_grant`) makes the link's health invalid: an
 * INVALID event, clear failures, skipped schedule ticks, until the tenant links again. The
 * tenant's system (FakeHubspot) accepts only the access token the authorization server issued last.
 */
describe('OAuth tokens are refreshed before use, once per link at a time', () => {
  let h: Harness;
  let oauth: FakeOAuthServer;
  let hubspot: FakeHubspot;
  let hubspotUrl: string;
  let owner: Caller;
  let acme: Caller;
  const write = (n: number) =>
    acme('POST', `/${h.envId}/rf/acme/connectors/hubspot/contacts`, { data: { externalId: `c-${n}`, email: `c${n}@example.com` } });

  before(async () => {
    h = await startHarness();
    oauth = await new FakeOAuthServer().start();
    hubspot = new FakeHubspot(() => oauth.currentAccessToken);
    hubspotUrl = await hubspot.server.start();
    owner = callerOf(h.url, h.key);
    assert.equal((await owner('PUT', `/${h.envId}/flows/rf`, { name: 'rf', type: 'v1-target', connectors: ['hubspot'] })).status, 200);
    await setHubspotApp(owner, h.envId, h.url, oauth);
    acme = await tenantOf(owner, h.url, h.envId, 'acme');
    // Tokens that live a minute: inside the refresh margin from the start.
    oauth.accessTtlSeconds = 60;
    await linkByOAuth(acme, h.envId, 'rf', 'acme', { base_url: hubspotUrl });
  });
  after(async () => {
    await oauth.stop();
    await hubspot.server.stop();
    await h.stop();
  });

  test('eight writes at once with a token about to expire: one refresh, every write uses the new token', async (t) => {
    const refreshesBefore = oauth.refreshRequests().length;
    const stale = oauth.currentAccessToken;
    oauth.accessTtlSeconds = 3600;
    // A slow token endpoint, so the second write asks while the first refresh is under way.
    oauth.tokenDelayMs = 400;
    try {
      const startedAt = performance.now();
      const answers = await Promise.all([101, 102, 103, 104, 105, 106, 107, 108].map(write));
      // The figure for the closing note: all writes, including one refresh that waits 400 ms.
      t.diagnostic(`8 concurrent writes with one refresh (token endpoint 400 ms): ${Math.round(performance.now() - startedAt)} ms`);
      for (const res of answers) {
        assert.equal(res.status, 200, res.text);
        assert.equal(res.body.state.summary.contacts.success, 1, res.text);
      }
    } finally {
      oauth.tokenDelayMs = 0;
    }
    assert.equal(oauth.refreshRequests().length, refreshesBefore + 1, 'exactly one refresh reached the token endpoint');
    assert.notEqual(oauth.currentAccessToken, stale);
    const link = await owner('GET', `/${h.envId}/rf/acme/linkedTargets`);
    assert.ok(link.body[0].config.expires_at > Date.now() / 1000 + 3000, 'the new expiry was saved');
    // Fresh now: the next write refreshes nothing.
    assert.equal((await write(3)).status, 200);
    assert.equal(oauth.refreshRequests().length, refreshesBefore + 1);
  });

  test('a rotated refresh token is saved, so the next refresh uses it (the old one is dead)', async () => {
    oauth.rotateRefreshTokens = true;
    oauth.accessTtlSeconds = 60;
    try {
      await forceExpiry();
      const n = oauth.refreshRequests().length;
      // Jobs, one after the other: each plans with a token inside the margin, so each refreshes.
      for (const id of ['r-1', 'r-2']) {
        const job = await acme('POST', `/${h.envId}/rf/acme/jobs`, {
          tap: 'api',
          state: { contacts: [{ externalId: id, email: `${id}@example.com` }] },
        });
        assert.equal(job.status, 200, job.text);
        const done = await h.waitForJob('rf', 'acme', job.body.job_id);
        assert.equal(done.status, 'JOB_COMPLETED', done.error);
      }
      const [first, second] = oauth.refreshRequests().slice(n);
      assert.ok(first && second, 'each job refreshed');
      assert.notEqual(second.refresh_token, first.refresh_token, 'the second refresh used the rotated token');
      assert.ok(oauth.issued.includes(second.refresh_token!), 'a refresh token the server issued');
    } finally {
      oauth.rotateRefreshTokens = false;
    }
  });

  test('a write job gets a fresh token before it runs', async () => {
    oauth.accessTtlSeconds = 3600;
    await forceExpiry();
    const n = oauth.refreshRequests().length;
    const job = await acme('POST', `/${h.envId}/rf/acme/jobs`, {
      tap: 'api',
      state: { contacts: [{ externalId: 'j-1', email: 'j1@example.com' }] },
    });
    assert.equal(job.status, 200, job.text);
    const done = await h.waitForJob('rf', 'acme', job.body.job_id);
    assert.equal(done.status, 'JOB_COMPLETED', done.error);
    assert.equal(oauth.refreshRequests().length, n + 1);
  });

  test('invalid_grant on refresh: the link turns invalid (one INVALID event), writes and jobs fail at once, ticks are skipped', async () => {
    oauth.accessTtlSeconds = 60;
    await forceExpiry();
    const linked = await acme('GET', `/${h.envId}/rf/acme/linkedTargets`);
    assert.equal(linked.body[0].health.status, 'ok', 'an OAuth link starts ok: the provider just issued its tokens');
    oauth.revokeRefreshTokens();
    const res = await write(6);
    assert.equal(res.status, 422, res.text);
    assert.equal(res.body.error.code, 'OAUTH_TOKEN_FAILED');
    assert.equal(res.body.error.details.oauth_error, 'invalid_grant');
    const health = (await acme('GET', `/${h.envId}/rf/acme/linkedTargets`)).body[0].health;
    assert.equal(health.status, 'invalid');
    assert.equal(health.reason.code, 'invalid_grant');

    // Invalid now: nothing more is asked of the provider, and the failures say to link again.
    const asked = oauth.refreshRequests().length;
    const again = await write(7);
    assert.equal(again.status, 422, again.text);
    assert.match(again.body.error.message, /link again/);
    const job = await acme('POST', `/${h.envId}/rf/acme/jobs`, {
      tap: 'api',
      state: { contacts: [{ externalId: 'j-2', email: 'j2@example.com' }] },
    });
    const failed = await h.waitForJob('rf', 'acme', job.body.job_id);
    assert.notEqual(failed.status, 'JOB_COMPLETED');
    assert.match(String(failed.error ?? failed.message), /invalid_grant/);
    assert.equal(oauth.refreshRequests().length, asked, 'no refresh request after the link turned invalid');

    const events = await owner('GET', `/${h.envId}/events?kind=connection&limit=100`);
    const invalid = events.body.filter((e: any) => e.payload.event === 'INVALID');
    assert.equal(invalid.length, 1, events.text);
    assert.equal(invalid[0].payload.error.code, 'invalid_grant');
    assert.equal(invalid[0].payload.tenant, 'acme');

    // A scheduled tick is skipped, saying why, instead of failing a job again.
    const put = await owner('PUT', `/${h.envId}/rf/acme/jobs/schedule`, { schedule_expression: '0 0 1 1 *' });
    assert.equal(put.status, 200, put.text);
    const key = { env_id: h.envId, flow_id: 'rf', tenant: 'acme', role: 'target' as const, connector_id: 'hubspot' };
    const due = (await h.sinew.services.store.schedules.getSchedule(key))!.next_fire_at!;
    const jobsBefore = (await owner('GET', `/${h.envId}/rf/acme/jobs`)).body.length;
    await new Scheduler({
      store: h.sinew.services.store,
      jobs: h.sinew.services.jobs,
      box: h.sinew.services.box,
      logger: h.sinew.services.logger,
    }).runOnce(due + 1000);
    const outcome = (await owner('GET', `/${h.envId}/rf/acme/jobs/schedule`)).body.last_outcome;
    assert.equal(outcome.result, 'skipped', JSON.stringify(outcome));
    assert.match(outcome.reason, /invalid.*invalid_grant.*link again/);
    assert.equal((await owner('GET', `/${h.envId}/rf/acme/jobs`)).body.length, jobsBefore, 'no job');
    assert.equal((await owner('DELETE', `/${h.envId}/rf/acme/jobs/schedule`)).status < 300, true);
  });

  test('linking again makes the link ok, and writes work', async () => {
    oauth.accessTtlSeconds = 3600;
    await linkByOAuth(acme, h.envId, 'rf', 'acme', { base_url: hubspotUrl });
    assert.equal((await acme('GET', `/${h.envId}/rf/acme/linkedTargets`)).body[0].health.status, 'ok');
    const res = await write(8);
    assert.equal(res.status, 200, res.text);
    // Typed credentials are checked too (credential-checks.test.ts): HubSpot refuses this one.
    const typed = await owner('POST', `/${h.envId}/rf/beta/linkedTargets`, {
      target: { target: 'hubspot', config: { access_token: 'typed-token-value', base_url: hubspotUrl } },
    });
    assert.equal(typed.status, 422, typed.text);
    assert.equal(typed.body.error.code, 'CREDENTIALS_REFUSED');
  });

  test('no token or client secret appears in any answer or event', async () => {
    const events = await owner('GET', `/${h.envId}/events?limit=500`);
    const jobs = await owner('GET', `/${h.envId}/jobs`);
    const all = [...owner.texts, events.text, jobs.text].join('\n');
    for (const secret of [oauth.clientSecret, ...oauth.issued]) assert.ok(!all.includes(secret), `leaked: ${secret.slice(0, 6)}…`);
  });

  /** Makes the stored token expire now, as time passing would: the link is relinked by OAuth. */
  async function forceExpiry(): Promise<void> {
    const ttl = oauth.accessTtlSeconds;
    oauth.accessTtlSeconds = 1;
    await linkByOAuth(acme, h.envId, 'rf', 'acme', { base_url: hubspotUrl });
    oauth.accessTtlSeconds = ttl;
  }
});

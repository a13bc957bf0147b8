import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FakeOAuthServer } from '../fakes/fake-oauth-server.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { type Caller, callerOf, consent, tenantOf } from './oauth-support.js';

const TAP = fileURLToPath(new URL('../fixtures/oauth/tap-self-refreshing.mjs', import.meta.url));

/**
 * A connector that refreshes its own tokens and rewrites its config file (Singer SDK taps do) must
 * not leave Sinew holding the old refresh token: after the job, the token fields it changed are read
 * back and saved, sealed, so the next refresh uses the connector's newer refresh token.
 */
describe("a connector's own token refresh is kept after its job", () => {
  let h: Harness;
  let oauth: FakeOAuthServer;
  let owner: Caller;
  let acme: Caller;
  const TAP_REFRESH = `rt-from-the-tap-${Math.random().toString(36).slice(2)}`;

  before(async () => {
    h = await startHarness();
    oauth = await new FakeOAuthServer().start();
    owner = callerOf(h.url, h.key);
    const reg = await owner('PUT', `/${h.envId}/connectors/tap-self-refreshing`, {
      kind: 'source',
      command: [process.execPath, TAP],
      auth: {
        type: 'oauth2',
        authorization_url: `${oauth.url}/authorize`,
        token_url: `${oauth.url}/token`,
        tokens: { access_token: 'access_token', refresh_token: 'refresh_token', expires_at: 'expires_at' },
      },
    });
    assert.equal(reg.status, 200, reg.text);
    const put = await owner('PUT', `/${h.envId}/connectors/tap-self-refreshing/oauth-app`, {
      client_id: oauth.clientId,
      client_secret: oauth.clientSecret,
      redirect_uri: `${h.url}/oauth/callback`,
    });
    assert.equal(put.status, 200, put.text);
    const out = await h.tmp('tap-out');
    const flow = await owner('PUT', `/${h.envId}/flows/selfref`, {
      name: 'selfref',
      type: 'v1-source',
      connectors: ['tap-self-refreshing'],
      target: { connector: 'jsonl', config: { path: out } },
    });
    assert.equal(flow.status, 200, flow.text);
    acme = await tenantOf(owner, h.url, h.envId, 'acme');
  });
  after(async () => {
    await oauth.stop();
    await h.stop();
  });

  test('the refresh token the tap wrote is the one the next refresh sends', async () => {
    oauth.accessTtlSeconds = 60; // inside the margin: every job refreshes first
    oauth.acceptRefreshToken(TAP_REFRESH);
    const started = await acme('POST', `/${h.envId}/selfref/acme/oauth/tap-self-refreshing/start`, {
      config: { next_refresh_token: TAP_REFRESH },
    });
    assert.equal(started.status, 200, started.text);
    assert.match((await consent(started.body.authorization_url)).text, /"code":"linked"/);

    const run = async (): Promise<void> => {
      const job = await acme('POST', `/${h.envId}/selfref/acme/jobs`, {});
      assert.equal(job.status, 200, job.text);
      const done = await h.waitForJob('selfref', 'acme', job.body.job_id);
      assert.equal(done.status, 'JOB_COMPLETED', done.error);
    };
    await run();
    const first = oauth.refreshRequests().at(-1)!;
    assert.notEqual(first.refresh_token, TAP_REFRESH, 'the first refresh used the token Sinew was given');
    await run();
    assert.equal(
      oauth.refreshRequests().at(-1)!.refresh_token,
      TAP_REFRESH,
      "the second refresh used the tap's token, read back after the first job",
    );
    const link = await acme('GET', `/${h.envId}/selfref/acme/linkedSources`);
    assert.equal(link.body[0].config.refresh_token, '********');
    assert.ok(!link.text.includes(TAP_REFRESH));
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FakeHubspot } from '../fakes/fake-hubspot.js';
import { FakeOAuthServer } from '../fakes/fake-oauth-server.js';
import { type Deployment, startDeployment } from '../support/deployment.js';
import { postgresSkipReason } from '../support/postgres-schema.js';
import type { RoleProcess } from '../support/role-process.js';
import { callerOf, linkByOAuth, setHubspotApp, tenantOf } from './oauth-support.js';

const skip = await postgresSkipReason();

/**
 * Two API processes on one PostgreSQL database, each asked for real-time writes at the same moment
 * with the tenant's token about to expire: the per-link lock (an advisory lock, store.locks) holds
 * across processes, so one refresh reaches the token endpoint and every write uses its token.
 */
describe('OAuth refresh across processes (PostgreSQL)', { skip }, () => {
  let d: Deployment;
  let api1: RoleProcess;
  let api2: RoleProcess;
  let oauth: FakeOAuthServer;
  let hubspot: FakeHubspot;

  before(async () => {
    oauth = await new FakeOAuthServer().start();
    hubspot = new FakeHubspot(() => oauth.currentAccessToken);
    const hubspotUrl = await hubspot.server.start();
    d = await startDeployment({ compiled: false, env: { SINEW_OUTBOUND_ALLOW_LOOPBACK: 'true' } });
    [api1, api2] = await Promise.all([d.start('api'), d.start('api')]);
    const owner = callerOf(api1.url, d.env.SINEW_API_KEY!);
    assert.equal((await owner('PUT', `/${d.envId}/flows/rf`, { name: 'rf', type: 'v1-target', connectors: ['hubspot'] })).status, 200);
    await setHubspotApp(owner, d.envId, api1.url, oauth);
    const acme = await tenantOf(owner, api1.url, d.envId, 'acme');
    oauth.accessTtlSeconds = 60;
    await linkByOAuth(acme, d.envId, 'rf', 'acme', { base_url: hubspotUrl });
  });
  after(async () => {
    await d?.dispose();
    await oauth?.stop();
    await hubspot?.server.stop();
  });

  test('two processes, three writes at once each, one refresh', async (t) => {
    const owner1 = callerOf(api1.url, d.env.SINEW_API_KEY!);
    const owner2 = callerOf(api2.url, d.env.SINEW_API_KEY!);
    const n = oauth.refreshRequests().length;
    oauth.accessTtlSeconds = 3600;
    oauth.tokenDelayMs = 500;
    const path = `/${d.envId}/rf/acme/connectors/hubspot/contacts`;
    const startedAt = performance.now();
    const answers = await Promise.all(
      [1, 2, 3, 4, 5, 6].map((n) =>
        (n % 2 ? owner1 : owner2)('POST', path, { data: { externalId: `p-${n}`, email: `p${n}@example.com` } }),
      ),
    );
    t.diagnostic(
      `6 concurrent writes over 2 processes with one refresh (token endpoint 500 ms): ${Math.round(performance.now() - startedAt)} ms`,
    );
    for (const res of answers) {
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.state.summary.contacts.success, 1, res.text);
    }
    assert.equal(oauth.refreshRequests().length, n + 1, 'one refresh reached the token endpoint');
  });
});

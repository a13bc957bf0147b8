import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FakeOAuthServer } from '../fakes/fake-oauth-server.js';
import { at } from '../support/elements.js';
import type { Harness } from '../support/sinew-harness.js';
import { type Caller, hubspotOAuthSetup, linkByOAuth } from './oauth-support.js';

const KEY = (envId: string) => ({ env_id: envId, flow_id: 'fig', tenant: 'acme', role: 'target' as const, connector_id: 'hubspot' });
const percentile = (sorted: number[], p: number): number =>
  at(sorted, Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length)), 'the timings');

/**
 * The figures of the closing note (issue #15), printed as test diagnostics: how many
 * requests reach the token endpoint when many callers need one link's expired token at once, and
 * how long a refresh takes. Run with SINEW_TEST_DATABASE=postgres for the advisory-lock figures.
 */
describe('OAuth refresh figures', () => {
  let h: Harness;
  let oauth: FakeOAuthServer;
  let hubspotUrl: string;
  let acme: Caller;

  let stop: () => Promise<void>;

  before(async () => {
    ({ h, oauth, hubspotUrl, acme, stop } = await hubspotOAuthSetup('fig'));
  });
  after(() => stop());

  /** Links again with a token that lives a minute: inside the refresh margin, so the next use refreshes. */
  async function expiring(): Promise<void> {
    oauth.accessTtlSeconds = 60;
    await linkByOAuth(acme, h.envId, 'fig', 'acme', { base_url: hubspotUrl });
    oauth.accessTtlSeconds = 3600;
  }

  test('20 job starts at once on one link whose token is due: token endpoint calls', async (t) => {
    await expiring();
    const n = oauth.refreshRequests().length;
    const link = (await h.sinew.services.store.links.get(KEY(h.envId)))!;
    // What 20 job plans (or writes) do at once: open the link's config, refreshing when due.
    const started = performance.now();
    await Promise.all(Array.from({ length: 20 }, () => h.sinew.services.tokens.freshConfig(link)));
    const planMs = performance.now() - started;
    const planCalls = oauth.refreshRequests().length - n;

    await expiring();
    const m = oauth.refreshRequests().length;
    const jobs = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        acme('POST', `/${h.envId}/fig/acme/jobs`, {
          tap: 'api',
          queue_if_active_job: true,
          state: { contacts: [{ externalId: `f-${i}`, email: `f${i}@example.com` }] },
        }),
      ),
    );
    for (const j of jobs) assert.equal(j.status, 200, j.text);
    for (const j of jobs) assert.equal((await h.waitForJob('fig', 'acme', j.body.job_id, { timeoutMs: 120_000 })).status, 'JOB_COMPLETED');
    const jobCalls = oauth.refreshRequests().length - m;

    await expiring();
    const w = oauth.refreshRequests().length;
    const writes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        acme('POST', `/${h.envId}/fig/acme/connectors/hubspot/contacts`, { data: { externalId: `w-${i}`, email: `w${i}@example.com` } }),
      ),
    );
    for (const r of writes) assert.equal(r.status, 200, r.text);
    const writeCalls = oauth.refreshRequests().length - w;

    t.diagnostic(
      `[${h.sinew.services.store.dialect}] 20 concurrent config opens (job plans) of a due link: ${planCalls} token endpoint call(s), ${Math.round(planMs)} ms`,
    );
    t.diagnostic(`[${h.sinew.services.store.dialect}] 20 concurrent write jobs through the API: ${jobCalls} token endpoint call(s)`);
    t.diagnostic(`[${h.sinew.services.store.dialect}] 20 concurrent real-time writes: ${writeCalls} token endpoint call(s)`);
    assert.deepEqual([planCalls, jobCalls, writeCalls], [1, 1, 1]);
  });

  test('time to refresh (loopback token endpoint, lock + request + sealed save)', async (t) => {
    oauth.accessTtlSeconds = 60; // every use is due: each call below refreshes
    await linkByOAuth(acme, h.envId, 'fig', 'acme', { base_url: hubspotUrl });
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const link = (await h.sinew.services.store.links.get(KEY(h.envId)))!;
      const n = oauth.refreshRequests().length;
      const started = performance.now();
      await h.sinew.services.tokens.freshConfig(link);
      times.push(performance.now() - started);
      assert.equal(oauth.refreshRequests().length, n + 1);
    }
    times.sort((a, b) => a - b);
    t.diagnostic(
      `[${h.sinew.services.store.dialect}] time to refresh over 20 refreshes: median ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms`,
    );
  });
});

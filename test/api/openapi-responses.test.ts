import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FakeCollectionApi } from '../fakes/fake-collection-api.js';
import { FakeHubspot } from '../fakes/fake-hubspot.js';
import { FakeOAuthServer } from '../fakes/fake-oauth-server.js';
import { OpenApiDocument } from '../support/openapi-conformance.js';
import { type ApiResponse, type Harness, startHarness } from '../support/sinew-harness.js';
import { until } from '../support/until.js';

const PROBE_TAP = fileURLToPath(new URL('../fixtures/probe/tap-sdk.mjs', import.meta.url));
const CHECKED_TAP = fileURLToPath(new URL('../fixtures/oauth/tap-checked.mjs', import.meta.url));

interface Seen {
  method: string;
  url: string;
  res: ApiResponse;
}

/**
 * The response schemas of /openapi.json against real answers: a walk through the API as a user
 * makes it (flows, links, jobs, writes, schedules, events, keys, snapshots, errors), every answer
 * checked. Schemas only document (replies are written by the lossless JSON writer), so this is
 * what keeps them true.
 */
describe('every answer matches its response schema in /openapi.json', () => {
  let h: Harness;
  let doc: OpenApiDocument;
  let fake: FakeCollectionApi;
  let oauth: FakeOAuthServer | undefined;
  let hubspot: FakeHubspot | undefined;
  const seen: Seen[] = [];
  const call = async (method: string, url: string, body?: unknown, opts?: Parameters<Harness['api']>[3]): Promise<ApiResponse> => {
    const res = await h.api(method, url, body, opts);
    seen.push({ method, url, res });
    return res;
  };
  const ok = async (method: string, url: string, body?: unknown, status = 200): Promise<any> => {
    const res = await call(method, url, body);
    assert.equal(res.status, status, `${method} ${url}: ${res.text}`);
    return res.body;
  };

  before(async () => {
    h = await startHarness();
    fake = new FakeCollectionApi('tok-doc');
    const fakeUrl = await fake.server.start();
    doc = new OpenApiDocument((await h.api('GET', '/openapi.json', undefined, { key: null })).body);
    const E = `/${h.envId}`;
    const data = await h.tmp('openapi-responses');
    const out = await h.tmp('openapi-responses-out');
    await fs.writeFile(path.join(data, 'contacts.csv'), 'id,email\n1,a@example.com\n2,b@example.com\n');

    for (const p of [
      '/health',
      '/ready',
      '/metrics',
      '/openapi.json',
      '/docs',
      '/docs/',
      '/docs/docs-init.js',
      '/docs/swagger-ui.css',
      '/docs/swagger-ui-bundle.js',
      '/',
      '/dashboard.js',
    ])
      await ok('GET', p);

    // Keys, settings, connectors.
    await ok('GET', `${E}/keys`);
    const publicKey = (await ok('POST', `${E}/keys`, { kind: 'public', name: 'widget' }, 201)).key;
    const spare = await ok('POST', `${E}/keys`, { kind: 'environment' }, 201);
    await ok('DELETE', `${E}/keys/${spare.key_id}`, undefined, 204);
    await ok('GET', `${E}/settings`);
    // A webhook for connection events, so that one can be redelivered (the fake API answers it 404).
    await ok('PUT', `${E}/settings`, {
      job_settings: { force_full_sync: false },
      monitoring: { webhooks: { connection: { url: `${fakeUrl}/hooks` } } },
    });
    await ok('GET', `${E}/connectors`);
    await ok('GET', `${E}/connectors/csv`);
    await ok('PUT', `${E}/connectors/tap-doc`, { kind: 'source', command: [process.execPath, PROBE_TAP] });
    await ok('DELETE', `${E}/connectors/tap-doc`, undefined, 204);
    await ok('GET', `${E}/connectors/catalogue`);
    await ok('PUT', `${E}/connectors/tap-installed`, {
      kind: 'source',
      install: { path: path.dirname(PROBE_TAP) },
      command: [process.execPath, PROBE_TAP],
    });
    await ok('POST', `${E}/connectors/tap-installed/install`);

    // A v1 source flow: link, run a job, read everything about it.
    await ok('PUT', `${E}/flows/crm`, {
      name: 'CRM',
      type: 'v1-source',
      connectors: ['csv'],
      target: { connector: 'jsonl', config: { path: out } },
    });
    const created = await ok('POST', `${E}/flows`, { name: 'scratch', type: 'v2', connectors: ['csv'] });
    await ok('DELETE', `${E}/flows/${created.flow_id}`, undefined, 204);
    await ok('GET', `${E}/flows`);
    await ok('GET', `${E}/flows/crm`);
    await ok('GET', `${E}/flows/supported`);
    await ok('POST', `${E}/crm/acme/linkedSources`, { source: { tap: 'csv', config: { path: data } } });
    await ok('GET', `${E}/crm/acme/linkedSources`);
    await ok('GET', `${E}/flows/linked?tenant_id=acme`);
    // The widget (issue #16): its script, the hosted connect page, a tenant's view of a flow, a magic link.
    for (const p of ['/widget.js', '/connect', `${E}/flows/crm/connectors`]) await ok('GET', p);
    const magic = await ok('POST', `${E}/connect`, { tenant: 'acme', flow_id: 'crm' });
    await ok('POST', '/connect/session', { token: new URL(magic.url).hash.slice(1) });
    const job = await ok('POST', `${E}/crm/acme/jobs`, {});
    await h.waitForJob('crm', 'acme', job.job_id);
    await ok('GET', `${E}/crm/acme/jobs/${job.job_id}`);
    await ok('GET', `${E}/crm/acme/jobs`);
    await ok('GET', `${E}/crm/acme/jobs/status?job_root=${encodeURIComponent(job.s3_root)}`);
    await ok('GET', `${E}/crm/acme/jobs/${job.job_id}/logs`);
    await ok('GET', `${E}/jobs`);
    await ok('GET', `${E}/jobs/overview`);
    await ok('GET', `${E}/crm/acme/linkedSources/state`);
    const state = await call('PUT', `${E}/crm/acme/linkedSources/state`, undefined, {
      rawBody: '{"bookmarks":{"contacts":{"replication_key_value":98765432109876543210}}}',
    });
    assert.ok(state.text.includes('98765432109876543210'), state.text);
    assert.ok((await call('GET', `${E}/crm/acme/linkedSources/state`)).text.includes('98765432109876543210'));
    await ok('DELETE', `${E}/crm/acme/linkedSources/state`, undefined, 204);
    const v1Schedule = `${E}/crm/acme/jobs/schedule`;
    await ok('PUT', v1Schedule, { schedule_expression: 'cron(0 2 * * *)', job_name: 'nightly' });
    await ok('PATCH', v1Schedule, { state: 'DISABLED' });
    await ok('GET', v1Schedule);
    await ok('DELETE', v1Schedule, undefined, 204);
    const again = await ok('POST', `${E}/crm/acme/jobs`, {});
    const cancelled = await call('POST', `${E}/crm/acme/jobs/${again.job_id}/cancel`);
    assert.ok([200, 409].includes(cancelled.status), cancelled.text);
    await h.waitForJob('crm', 'acme', again.job_id);

    // A v1 target flow: a write job with its Export Details, and real-time writes.
    await ok('PUT', `${E}/flows/out`, { name: 'out', type: 'v1-target', connectors: ['http'] });
    await ok('POST', `${E}/out/acme/linkedTargets`, {
      target: { target: 'http', config: { url: `${fakeUrl}/items`, headers: { Authorization: 'Bearer tok-doc' }, max_attempts: 1 } },
    });
    await ok('GET', `${E}/out/acme/linkedTargets`);
    const write = await ok('POST', `${E}/out/acme/jobs`, {
      tap: 'api',
      state: {
        Contacts: [
          { externalId: 'c-1', name: 'Ann' },
          { externalId: 'c-2', name: '' },
        ],
      },
    });
    await h.waitForJob('out', 'acme', write.job_id);
    await ok('GET', `${E}/out/acme/jobs/${write.job_id}`);
    await ok('GET', `${E}/out/acme/jobs/${write.job_id}/export`);
    await ok('GET', `/v2${E}/out/acme/jobs/${write.job_id}/export?status=failure`);
    await ok('GET', `${E}/out/acme/linkedTargets/state`);
    await ok('PUT', `${E}/out/acme/linkedTargets/state`, {});
    await ok('DELETE', `${E}/out/acme/linkedTargets/state`, undefined, 204);
    await ok('POST', `${E}/out/acme/connectors/http/Contacts`, { data: { externalId: 'c-3', name: 'Bo' } });
    const task = await ok('POST', `/v2${E}/out/acme/connectors/http/Contacts`, { data: [{ externalId: 'c-4', name: 'Cy' }], async: true });
    for (const prefix of ['', '/v2']) {
      await until(`the write task done (${prefix || 'v1'})`, 30_000, async () =>
        ['COMPLETED', 'FAILED'].includes((await ok('GET', `${prefix}${E}/out/acme/connectors/status?taskId=${task.taskId}`)).status),
      );
    }
    await ok('DELETE', `${E}/out/acme/linkedTargets`, undefined, 204);

    // A v2 flow: linkedConnectors, discover, their state and schedule.
    await ok('PUT', `${E}/flows/bi`, {
      name: 'bi',
      type: 'v2',
      connectors: ['csv'],
      target: { connector: 'jsonl', config: { path: out } },
    });
    const lc = `/v2${E}/bi/acme/linkedConnectors`;
    await ok('POST', lc, { connector_id: 'csv', config: { path: data } });
    await ok('PATCH', lc, { connector_id: 'csv', config: { delimiter: ',' } });
    await ok('GET', lc);
    await ok('POST', `${lc}/discover`);
    await until('the discover done', 30_000, async () => (await ok('GET', `${lc}/discover/poll`)).status !== 'DISCOVER_STARTED');
    const v2Job = await ok('POST', `/v2${E}/bi/acme/jobs`, { connector_id: 'csv', job_type: 'read' });
    const cancel = await call('POST', `/v2${E}/bi/acme/jobs/${v2Job.job_id}/cancel`);
    assert.ok([200, 409].includes(cancel.status), cancel.text);
    await h.waitForJob('bi', 'acme', v2Job.job_id);
    await ok('GET', `/v2${E}/bi/acme/jobs/${v2Job.job_id}`);
    await ok('GET', `/v2${E}/bi/acme/jobs`);
    await ok('GET', `/v2${E}/bi/acme/jobs/status?job_root=${encodeURIComponent(v2Job.s3_root)}`);
    await ok('GET', `/v2${E}/bi/acme/jobs/${v2Job.job_id}/logs`);
    await ok('GET', `${lc}/state`);
    await ok('PUT', `${lc}/state`, { bookmarks: {} });
    await ok('DELETE', `${lc}/state`, undefined, 204);
    const v2Schedule = `/v2${E}/bi/acme/jobs/schedule`;
    await ok('PUT', v2Schedule, { schedule_expression: '0 3 * * *', job_type: 'read' });
    await ok('PATCH', v2Schedule, { when_active: 'queue' });
    await ok('GET', v2Schedule);
    await ok('DELETE', v2Schedule, undefined, 204);
    await ok('DELETE', lc, undefined, 204);
    await ok('DELETE', `${E}/crm/acme/linkedSources`, undefined, 204);

    // Tenants, tokens, snapshots.
    await ok('GET', `/tenants${E}`);
    // An exact big number in a request keeps its digits in the answer: the response schemas never
    // serialize (a schema-compiled serializer would write it as a double, 12345678901234567000).
    const big = '12345678901234567890';
    await call('PUT', `/tenant${E}/acme/config`, undefined, { rawBody: `{"plan":"gold","big":${big}}` });
    const config = await call('GET', `/tenant${E}/acme/config`);
    assert.equal(config.status, 200, config.text);
    assert.ok(config.text.includes(`"big":${big}`), config.text);
    await ok('POST', `/tenant${E}/acme/token`, { ttl_seconds: 600 });
    await ok('POST', `/tenant${E}/acme/token/revoke`, undefined, 204);
    await ok('PUT', `/tenant${E}/acme/snapshots/contacts`, [{ id: 1 }, { id: 2 }]);
    await ok('GET', `/tenant${E}/acme/snapshots`);
    await ok('GET', `/tenant${E}/acme/snapshots/contacts`);
    await ok('DELETE', `/tenant${E}/acme/snapshots/contacts`, undefined, 204);

    // Events and the audit log.
    const events = await ok('GET', `${E}/events`);
    assert.ok(events.length > 0, 'the jobs made events');
    const connection = events.find((e: { kind: string }) => e.kind === 'connection');
    await ok('GET', `${E}/events/${connection.event_id}`);
    await ok('POST', `${E}/events/${connection.event_id}/redeliver`);
    await ok('GET', `${E}/audit`);

    // OAuth: the owner's app, a start, the provider's consent and the callback (a JSON client, and a browser).
    oauth = await new FakeOAuthServer().start();
    // The tenant's HubSpot accepts the tokens the provider issued (linking checks them).
    const issuer = oauth;
    hubspot = new FakeHubspot({ accepts: (t) => issuer.accepts(t) });
    const hubspotUrl = await hubspot.server.start();
    await ok('PUT', `${E}/flows/oa`, { name: 'oa', type: 'v1-target', connectors: ['hubspot'] });
    const app = {
      client_id: oauth.clientId,
      client_secret: oauth.clientSecret,
      redirect_uri: `${h.url}/oauth/callback`,
      authorization_url: `${oauth.url}/authorize`,
      token_url: `${oauth.url}/token`,
    };
    await ok('PUT', `${E}/connectors/hubspot/oauth-app`, app);
    await ok('GET', `${E}/connectors/hubspot/oauth-app`);
    for (const accept of ['application/json', 'text/html']) {
      const started = await ok('POST', `${E}/oa/acme/oauth/hubspot/start`, { config: { base_url: hubspotUrl } });
      const consent = await fetch(started.authorization_url, { redirect: 'manual' });
      const callback = new URL(consent.headers.get('location')!);
      const landed = await call('GET', `${callback.pathname}${callback.search}`, undefined, { key: null, headers: { accept } });
      assert.equal(landed.status, 200, landed.text);
    }
    await ok('GET', `${E}/oa/acme/linkedTargets`);
    await ok('POST', `${E}/oa/acme/linkedTargets/check`);
    // Credential checks of a registered tap, on the v1 and v2 paths.
    await ok('PUT', `${E}/connectors/tap-checked`, {
      kind: 'source',
      command: [process.execPath, CHECKED_TAP],
      check: { run: 'command', command: [process.execPath, CHECKED_TAP, '--check'] },
    });
    await ok('PUT', `${E}/flows/ck1`, {
      name: 'ck1',
      type: 'v1-source',
      connectors: ['tap-checked'],
      target: { connector: 'jsonl', config: { path: out } },
    });
    await ok('PUT', `${E}/flows/ck2`, { name: 'ck2', type: 'v2', connectors: ['tap-checked'] });
    await ok('POST', `${E}/ck1/acme/linkedSources`, { source: { tap: 'tap-checked', config: { api_key: 'open-sesame' } } });
    await ok('POST', `${E}/ck1/acme/linkedSources/check`);
    await ok('POST', `/v2${E}/ck2/acme/linkedConnectors`, { connector_id: 'tap-checked', config: { api_key: 'open-sesame' } });
    await ok('POST', `/v2${E}/ck2/acme/linkedConnectors/check`);
    await ok('DELETE', `${E}/connectors/hubspot/oauth-app`, undefined, 204);

    // Errors: each kind a route documents.
    assert.equal((await call('GET', `${E}/flows`, undefined, { key: null })).status, 401);
    assert.equal((await call('GET', `${E}/crm/acme/jobs/nope`)).status, 404);
    assert.equal((await call('PUT', `${E}/flows/bad`, { name: 'x' })).status, 400);
    const { token } = await ok('POST', `/tenant${E}/acme/token`, {});
    assert.equal(
      (await call('GET', `${E}/flows`, undefined, { key: publicKey, headers: { authorization: `Bearer ${token}` } })).status,
      403,
    );
    assert.equal((await call('POST', `${E}/keys`, undefined, { rawBody: 'x', headers: { 'content-type': 'text/plain' } })).status, 415);
    assert.equal((await call('DELETE', `${E}/connectors/csv`)).status, 409);
    await ok('DELETE', `/tenant${E}/acme`, undefined, 204);
  });
  after(async () => {
    await oauth?.stop();
    await hubspot?.server.stop();
    await fake.server.stop();
    await h.stop();
  });

  test('every answer is documented for its route, in its media type, and validates against its schema', () => {
    assert.ok(seen.length > 100, `${seen.length} answers`);
    for (const s of seen) doc.check(s.method, s.url, s.res);
  });

  test('the walk reached the success answer of every documented operation', () => {
    const reached = new Set(
      seen
        .filter((s) => s.res.status < 300)
        .map((s) => {
          const o = doc.operationOf(s.method, s.url);
          return `${o.method} ${o.path}`;
        }),
    );
    assert.deepEqual(
      doc.operations.map((o) => `${o.method} ${o.path}`).filter((k) => !reached.has(k)),
      [],
    );
  });
});

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { signTenantToken } from '../../src/auth/tenant-token.js';
import { auditSince } from '../support/audit-since.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { AttackTally, reportSecrets } from './attack-tally.js';
import { assertError, type TenantCaller, tenantApiOf, tenantCaller } from './tenant-caller.js';

const rand = (): string => Math.random().toString(36).slice(2, 12);
/** The key id the log names a key by: the start of its SHA-256 (docs/security.md). */
const keyIdOf = (key: string): string => createHash('sha256').update(key).digest('hex').slice(0, 16);
const LOOPBACK = ['127.0.0.1', '::1', '::ffff:127.0.0.1'];

interface Entry {
  audit_id: string;
  at: string;
  actor: string;
  actor_kind: string;
  key_id: string;
  ip: string;
  method: string;
  route: string;
  resource: string;
  ids: Record<string, string>;
  tenant: string | null;
  fields: string[];
  status_code: number;
  error_code: string | null;
}

/**
 * Issue #12, the audit log: every change made with a key or a token to keys, tokens, settings,
 * flows, connectors, links, schedules and tenants — and every refused attempt — is recorded with
 * who, what, when and from where, readable by the owner only at `GET /{env}/audit`, and never
 * holds a secret of the requests it describes.
 */
describe('the audit log records who changed what, when and from where', () => {
  let h: Harness;
  let acme: TenantCaller;

  /** The entries recorded since `since`, newest first, every page read. */
  async function entriesSince(since: string, query = ''): Promise<Entry[]> {
    const res = await h.api('GET', `/${h.envId}/audit?since=${encodeURIComponent(since)}&limit=500${query}`);
    assert.equal(res.status, 200, res.text);
    return res.body as Entry[];
  }

  before(async () => {
    h = await startHarness();
    const flow = await h.api('PUT', `/${h.envId}/flows/crm-out`, { name: 'crm-out', type: 'v1-target', connectors: ['hubspot'] });
    assert.equal(flow.status, 200, flow.text);
    acme = await tenantCaller(h, 'acme');
  });
  after(() => h.stop());

  test('changes made with the environment key name the key by its id, the route, the ids, the field names and the address', async () => {
    const since = await auditSince();
    const settings = await h.api('PUT', `/${h.envId}/settings`, {
      monitoring: {
        webhooks: { job_lifecycle: { url: 'https://hooks.example.com/sinew', secret: `whsec-${rand()}` } },
        datadog: { site: 'datadoghq.com', api_key: `dd-${rand()}` },
      },
    });
    assert.equal(settings.status, 200, settings.text);
    assert.equal((await h.api('PUT', `/${h.envId}/flows/audited`, { name: 'audited', type: 'v2', connectors: ['csv'] })).status, 200);
    assert.equal((await h.api('PUT', `/tenant/${h.envId}/globex/config`, { plan: 'gold' })).status, 200);
    assert.equal((await h.api('POST', `/tenant/${h.envId}/globex/token`, { ttl_seconds: 120 })).status, 200);
    assert.equal((await h.api('POST', `/tenant/${h.envId}/globex/token/revoke`)).status, 204);
    assert.equal((await h.api('DELETE', `/${h.envId}/connectors/no-such-connector`)).status, 404);
    assert.equal((await h.api('DELETE', `/${h.envId}/flows/audited`)).status, 204);
    // Another environment's resources are invisible (404), but the attempt is the key's: kept in its own log.
    assert.equal((await h.api('PUT', `/other.sinew.local/flows/x`, { name: 'x', type: 'v2', connectors: [] })).status, 404);
    // Reads are not changes: none of these is recorded.
    for (const p of [`/${h.envId}/settings`, `/${h.envId}/flows`, `/tenants/${h.envId}`]) assert.equal((await h.api('GET', p)).status, 200);
    const until = new Date().toISOString();

    const entries = await entriesSince(since);
    assert.deepEqual(
      entries.map((e) => `${e.route} ${e.status_code}`),
      [
        'PUT /{env}/flows/{flow} 404',
        'DELETE /{env}/flows/{flow} 204',
        'DELETE /{env}/connectors/{id} 404',
        'POST /tenant/{env}/{tenant}/token/revoke 204',
        'POST /tenant/{env}/{tenant}/token 200',
        'PUT /tenant/{env}/{tenant}/config 200',
        'PUT /{env}/flows/{flow} 200',
        'PUT /{env}/settings 200',
      ],
      'every change, newest first, and no read',
    );
    for (const e of entries) {
      assert.equal(e.actor, keyIdOf(h.key), 'the environment key, by its id');
      assert.equal(e.actor_kind, 'environment');
      assert.equal(e.key_id, keyIdOf(h.key));
      assert.ok(LOOPBACK.includes(e.ip), e.ip);
      assert.ok(e.at >= since && e.at <= until, `${e.at} within the test`);
      assert.match(e.audit_id, /^[A-Za-z0-9_-]{12}$/);
    }
    const byRoute = (route: string): Entry => entries.find((e) => e.route === route)!;
    assert.deepEqual(
      {
        method: byRoute('PUT /{env}/settings').method,
        resource: byRoute('PUT /{env}/settings').resource,
        fields: byRoute('PUT /{env}/settings').fields,
        ids: byRoute('PUT /{env}/settings').ids,
      },
      { method: 'PUT', resource: 'settings', fields: ['monitoring'], ids: {} },
    );
    const flowPut = entries.filter((e) => e.route === 'PUT /{env}/flows/{flow}');
    assert.deepEqual(
      flowPut.map((e) => e.ids),
      [{ env: 'other.sinew.local', flow: 'x' }, { flow: 'audited' }],
      'the environment named only when it is another',
    );
    assert.deepEqual(flowPut[1]!.fields, ['name', 'type', 'connectors']);
    assert.equal(byRoute('POST /tenant/{env}/{tenant}/token').resource, 'tokens');
    assert.equal(byRoute('POST /tenant/{env}/{tenant}/token').tenant, 'globex');
    assert.deepEqual(byRoute('POST /tenant/{env}/{tenant}/token').fields, ['ttl_seconds']);
    assert.equal(byRoute('DELETE /{env}/connectors/{id}').error_code, 'NOT_FOUND', 'a failed change is recorded with its error code');
    assert.equal(byRoute('PUT /{env}/settings').error_code, null);
  });

  test('changes made with a tenant token name the tenant and the public key: link, relink, unlink', async () => {
    const since = await auditSince();
    const link = await acme.api('POST', `/${h.envId}/crm-out/acme/linkedTargets`, {
      target: { target: 'hubspot', config: { access_token: `pat-${rand()}` } },
    });
    assert.equal(link.status, 200, link.text);
    const relink = await acme.api('POST', `/${h.envId}/crm-out/acme/linkedTargets`, {
      target: { target: 'hubspot', config: { access_token: `pat-${rand()}` } },
    });
    assert.equal(relink.status, 200, relink.text);
    assert.equal((await acme.api('DELETE', `/${h.envId}/crm-out/acme/linkedTargets`)).status, 204);

    const entries = await entriesSince(since);
    assert.deepEqual(
      entries.map((e) => `${e.method} ${e.route} ${e.status_code}`),
      [
        'DELETE DELETE /{env}/{flow}/{tenant}/linkedTargets 204',
        'POST POST /{env}/{flow}/{tenant}/linkedTargets 200',
        'POST POST /{env}/{flow}/{tenant}/linkedTargets 200',
      ],
    );
    for (const e of entries) {
      assert.equal(e.actor, 'tenant:acme');
      assert.equal(e.actor_kind, 'tenant');
      assert.equal(e.key_id, keyIdOf(acme.publicKey), 'the public key it came with');
      assert.equal(e.resource, 'links');
      assert.equal(e.tenant, 'acme');
      assert.deepEqual(e.ids, { flow: 'crm-out', tenant: 'acme' });
      assert.ok(LOOPBACK.includes(e.ip), e.ip);
    }
    assert.deepEqual(entries[2]!.fields, ['target'], 'field names only');
  });

  test('refused attempts are recorded: owner routes, another tenant, owner-only fields, a revoked or expired token', async (t) => {
    const tally = new AttackTally();
    const since = await auditSince();
    tally.refusal(await acme.api('PUT', `/${h.envId}/settings`, { job_settings: { force_full_sync: true } }), 403, 'FORBIDDEN');
    tally.refusal(await acme.api('GET', `/${h.envId}/settings`), 403, 'FORBIDDEN');
    tally.refusal(
      await acme.api('POST', `/${h.envId}/crm-out/globex/linkedTargets`, { target: { target: 'hubspot', config: { access_token: 'x' } } }),
      403,
      'FORBIDDEN',
    );
    tally.refusal(
      await acme.api('PUT', `/${h.envId}/crm-out/acme/jobs/schedule`, {
        schedule_expression: 'cron(0 0 * * *)',
        override_target_config: { access_token: 'x' },
      }),
      403,
      'FORBIDDEN_FIELD',
    );
    // A token whose signature holds but whose time is up still says who tried.
    const env = await h.sinew.services.store.environments.get(h.envId);
    const gen = (await h.sinew.services.store.tenants.get(h.envId, 'acme'))!.token_generation!;
    const expired = await signTenantToken(h.sinew.services.box.decrypt(env!.token_secret_encrypted), h.envId, 'acme', gen, -60);
    tally.refusal(await tenantApiOf(h, acme.publicKey, expired)('DELETE', `/${h.envId}/crm-out/acme/linkedTargets`), 401, 'UNAUTHORIZED');
    assert.equal((await h.api('POST', `/tenant/${h.envId}/acme/token/revoke`)).status, 204);
    tally.refusal(
      await acme.api('POST', `/${h.envId}/crm-out/acme/linkedTargets`, { target: { target: 'hubspot', config: { access_token: 'x' } } }),
      401,
      'UNAUTHORIZED',
    );
    // Anybody can send these (the public key is in the widget): they name no one and are not kept.
    tally.refusal(await h.api('PUT', `/${h.envId}/settings`, {}, { key: 'sk_unknown' }), 401, 'UNAUTHORIZED');
    tally.refusal(await h.api('PUT', `/${h.envId}/settings`, {}, { key: null }), 401, 'UNAUTHORIZED');
    tally.refusal(
      await tenantApiOf(h, acme.publicKey, 'not-a-token')('DELETE', `/${h.envId}/crm-out/acme/linkedTargets`),
      401,
      'UNAUTHORIZED',
    );

    const entries = await entriesSince(since);
    const seen = entries.map((e) => `${e.actor} ${e.route} ${e.status_code} ${e.error_code}`);
    assert.deepEqual(seen, [
      'tenant:acme POST /{env}/{flow}/{tenant}/linkedTargets 401 UNAUTHORIZED',
      `${keyIdOf(h.key)} POST /tenant/{env}/{tenant}/token/revoke 204 null`,
      'tenant:acme DELETE /{env}/{flow}/{tenant}/linkedTargets 401 UNAUTHORIZED',
      'tenant:acme PUT /{env}/{flow}/{tenant}/jobs/schedule 403 FORBIDDEN_FIELD',
      'tenant:acme POST /{env}/{flow}/{tenant}/linkedTargets 403 FORBIDDEN',
      'tenant:acme GET /{env}/settings 403 FORBIDDEN',
      'tenant:acme PUT /{env}/settings 403 FORBIDDEN',
    ]);
    const other = entries.find((e) => e.status_code === 403 && e.resource === 'links')!;
    assert.equal(other.tenant, 'globex', 'the tenant it was aimed at');
    assert.deepEqual(entries.find((e) => e.error_code === 'FORBIDDEN_FIELD')!.fields, ['schedule_expression', 'override_target_config']);
    for (const e of entries.filter((x) => x.actor === 'tenant:acme')) assert.equal(e.key_id, keyIdOf(acme.publicKey));
    // The tenant filter finds what a tenant did as well as what concerned it.
    const globex = await entriesSince(since, '&tenant_id=globex');
    assert.deepEqual(
      globex.map((e) => e.audit_id),
      [other.audit_id],
    );
    tally.report(t, 'refused attempts the audit log records');
  });

  test('a tenant cannot read the log, nor a caller without a key', async (t) => {
    const tally = new AttackTally();
    const initech = await tenantCaller(h, 'initech');
    tally.refusal(await initech.api('GET', `/${h.envId}/audit`), 403, 'FORBIDDEN');
    tally.refusal(await h.api('GET', `/${h.envId}/audit`, undefined, { key: null }), 401, 'UNAUTHORIZED');
    tally.refusal(await h.api('GET', `/other.sinew.local/audit`), 404, 'NOT_FOUND');
    tally.report(t, 'reading the audit log without the right key');
  });

  test('pages of `limit` continue with `before`; filters by resource and time; bad filters are 400', async () => {
    const since = await auditSince();
    for (let i = 0; i < 5; i++)
      assert.equal((await h.api('PUT', `/${h.envId}/flows/page-${i}`, { name: `p${i}`, type: 'v2', connectors: ['csv'] })).status, 200);
    const all = await entriesSince(since);
    assert.equal(all.length, 5);
    const pages: string[][] = [];
    let before = '';
    for (;;) {
      const res = await h.api('GET', `/${h.envId}/audit?since=${encodeURIComponent(since)}&limit=2${before}`);
      assert.equal(res.status, 200, res.text);
      if (res.body.length === 0) break;
      pages.push(res.body.map((e: Entry) => e.ids.flow));
      before = `&before=${res.body[res.body.length - 1].audit_id}`;
    }
    assert.deepEqual(pages, [['page-4', 'page-3'], ['page-2', 'page-1'], ['page-0']]);
    const flows = await h.api('GET', `/${h.envId}/audit?resource=flows&limit=500`);
    assert.ok(flows.body.length >= 5 && flows.body.every((e: Entry) => e.resource === 'flows'));
    assertError(await h.api('GET', `/${h.envId}/audit?since=yesterday`), 400, 'VALIDATION_FAILED');
    assertError(await h.api('GET', `/${h.envId}/audit?resource=nope`), 400, 'VALIDATION_FAILED');
    assertError(await h.api('GET', `/${h.envId}/audit?limit=0`), 400, 'VALIDATION_FAILED');
  });

  test('no planted secret is in the log: not in its answers, not in its rows', async (ctx) => {
    const planted = {
      webhookSecret: `whsec-${rand()}`,
      datadog: `dd-${rand()}`,
      slack: `slack-${rand()}`,
      linkToken: `pat-${rand()}`,
      relinkToken: `pat-${rand()}`,
    };
    const since = await auditSince();
    const hooli = await tenantCaller(h, 'hooli');
    const changes = [
      await h.api('PUT', `/${h.envId}/settings`, {
        monitoring: {
          webhooks: { job_lifecycle: { url: 'https://hooks.example.com/sinew', secret: planted.webhookSecret } },
          datadog: { site: 'datadoghq.com', api_key: planted.datadog },
          slack: { webhook_url: `https://hooks.slack.com/services/${planted.slack}` },
        },
      }),
      await hooli.api('POST', `/${h.envId}/crm-out/hooli/linkedTargets`, {
        target: { target: 'hubspot', config: { access_token: planted.linkToken } },
      }),
      await h.api('POST', `/${h.envId}/crm-out/hooli/linkedTargets`, {
        target: { target: 'hubspot', config: { access_token: planted.relinkToken } },
      }),
      // Refused, with the secret in the body: recorded, the secret not.
      await hooli.api('PUT', `/${h.envId}/settings`, { monitoring: { datadog: { site: 'datadoghq.com', api_key: planted.datadog } } }),
    ];
    assert.deepEqual(
      changes.map((r) => r.status),
      [200, 200, 200, 403],
      changes.map((r) => r.text).join('\n'),
    );
    const logged = await entriesSince(since);
    assert.equal(logged.length, 5, 'the token issued, the settings, the link, the relink, the refused attempt');
    const everything = await h.api('GET', `/${h.envId}/audit?limit=500`);
    const rows = JSON.stringify(await h.sinew.services.store.audit.list({ env_id: h.envId, limit: 100_000 }));
    const raw: string[] = [];
    if (h.sinew.services.store.dialect === 'sqlite') {
      const db = new Database(path.join(h.dataDir, 'sinew.db'), { readonly: true });
      try {
        raw.push(JSON.stringify(db.prepare('SELECT * FROM audit_log').all()));
      } finally {
        db.close();
      }
    }
    const texts = [JSON.stringify(logged), everything.text, rows, ...raw];
    const leaks = Object.entries(planted).filter(([, secret]) => texts.some((t) => t.includes(secret)));
    reportSecrets(ctx, Object.keys(planted).length, leaks.length, 'the audit log: its answers and rows');
    assert.deepEqual(leaks, []);
    // Nor a key or a token: the log names keys by id.
    for (const t of texts) assert.ok(![h.key, hooli.publicKey, hooli.token].some((k) => t.includes(k)));
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { AttackTally } from './attack-tally.js';
import { tenantFolder, useFilesRoot } from './files-root.js';
import { assertError, type TenantCaller, tenantCaller } from './tenant-caller.js';

// What each owner-only field would do in a tenant's hands (issue #12, finding 1): send the flow
// target's credentials to the tenant's server, write into another tenant's folder, or have
// lifecycle events (with the owner's webhook secret) posted to the tenant.
const ATTACKS = {
  override_target_config: { url: 'http://attacker.example/collect', path: '/tmp/other-tenant' },
  override_source_config: { path: '/etc' },
  override_lifecycle_webhook: 'https://attacker.example/hook',
} as const;
type Field = keyof typeof ATTACKS;
const FIELDS = Object.keys(ATTACKS) as Field[];

describe('a tenant may not send owner-only fields (403 FORBIDDEN_FIELD)', () => {
  let h: Harness;
  let acme: TenantCaller;
  let dir: string;
  const v1Jobs = (flow = 'src') => `/${h.envId}/${flow}/acme/jobs`;
  let routes: { name: string; method: string; url: string; body: Record<string, unknown> }[] = [];

  before(async () => {
    h = await startHarness();
    // acme links its own folder under the files root (a tenant's paths are confined there).
    dir = await tenantFolder(await useFilesRoot(h), 'acme', 'owner-fields', { 'people.csv': 'id,name\n1,Ada\n' });
    const out = await h.tmp('owner-fields-out');
    for (const [flow, def] of Object.entries({
      src: { name: 'src', type: 'v1-source', connectors: ['csv'], target: { connector: 'jsonl', config: { path: out } } },
      bi: { name: 'bi', type: 'v2', connectors: ['csv'], target: { connector: 'jsonl', config: { path: out } } },
      open: {
        name: 'open',
        type: 'v1-source',
        connectors: ['csv'],
        target: { connector: 'jsonl', config: { path: out } },
        tenant_overrides: ['override_source_config'],
      },
    })) {
      const put = await h.api('PUT', `/${h.envId}/flows/${flow}`, def);
      assert.equal(put.status, 200, put.text);
    }
    acme = await tenantCaller(h, 'acme');
    for (const [url, body] of [
      [`/${h.envId}/src/acme/linkedSources`, { source: { tap: 'csv', config: { path: 'owner-fields' } } }],
      [`/${h.envId}/open/acme/linkedSources`, { source: { tap: 'csv', config: { path: 'owner-fields' } } }],
      [`/v2/${h.envId}/bi/acme/linkedConnectors`, { connector_id: 'csv', config: { path: 'owner-fields' } }],
    ] as const) {
      const link = await acme.api('POST', url, body);
      assert.equal(link.status, 200, link.text);
    }
    routes = [
      { name: 'v1 job', method: 'POST', url: v1Jobs(), body: { queue_if_active_job: true } },
      { name: 'v2 job', method: 'POST', url: `/v2/${h.envId}/bi/acme/jobs`, body: { job_type: 'read', queue_if_active_job: true } },
      { name: 'v1 schedule', method: 'PUT', url: `/${h.envId}/src/acme/jobs/schedule`, body: { schedule_expression: '* * * * *' } },
      {
        name: 'v2 schedule',
        method: 'PUT',
        url: `/v2/${h.envId}/bi/acme/jobs/schedule`,
        body: { schedule_expression: '* * * * *', job_type: 'read' },
      },
    ];
  });
  after(() => h.stop());

  test('each owner-only field on each job and schedule route is refused, naming the field', async (t) => {
    const tally = new AttackTally();
    for (const route of routes) {
      for (const field of FIELDS) {
        const res = await acme.api(route.method, route.url, { ...route.body, [field]: ATTACKS[field] });
        tally.refusal(res, 403, 'FORBIDDEN_FIELD');
        assert.deepEqual(res.body.error.details.fields, [field], `${route.name} ${field}`);
        assert.match(res.body.error.message, new RegExp(field));
      }
      // All three at once: all three are named.
      const all = await acme.api(route.method, route.url, { ...route.body, ...ATTACKS });
      tally.refusal(all, 403, 'FORBIDDEN_FIELD');
      assert.deepEqual([...all.body.error.details.fields].sort(), [...FIELDS].sort());
    }
    assert.equal(tally.tried, 16);
    // Nothing was created by the refused requests: no job, no schedule.
    assert.deepEqual((await h.api('GET', v1Jobs())).body, []);
    assert.deepEqual((await h.api('GET', `/v2/${h.envId}/bi/acme/jobs`)).body, []);
    assert.equal((await h.api('GET', `/${h.envId}/src/acme/jobs/schedule`)).status, 404);
    assert.equal((await h.api('GET', `/v2/${h.envId}/bi/acme/jobs/schedule`)).status, 404);
    tally.report(t, 'item 1: owner-only fields on job and schedule routes');
  });

  test('the field is refused whatever its value, before validation (a bad value is still a 403)', async (t) => {
    const tally = new AttackTally();
    const res = await acme.api('POST', v1Jobs(), { override_lifecycle_webhook: 'not a uri', override_target_config: 'not an object' });
    tally.refusal(res, 403, 'FORBIDDEN_FIELD');
    tally.report(t, 'item 1: owner-only fields with invalid values');
  });

  test('the same fields from the owner are accepted', async () => {
    const job = await h.api('POST', v1Jobs(), {
      override_source_config: { path: dir },
      override_lifecycle_webhook: 'https://owner.example/hook',
      queue_if_active_job: true,
    });
    assert.equal(job.status, 200, job.text);
    const schedule = await h.api('PUT', `/${h.envId}/src/acme/jobs/schedule`, {
      schedule_expression: '0 0 1 1 *',
      state: 'DISABLED',
      override_target_config: { path: dir },
    });
    assert.equal(schedule.status, 200, schedule.text);
    await h.waitForJob('src', 'acme', job.body.job_id);
  });

  test("a flow's tenant_overrides lets its tenants send the listed fields, and only those", async (t) => {
    const tally = new AttackTally();
    const flow = await h.api('GET', `/${h.envId}/flows/open`);
    assert.deepEqual(flow.body.tenant_overrides, ['override_source_config']);
    const allowed = await acme.api('POST', v1Jobs('open'), { override_source_config: { path: 'owner-fields' }, queue_if_active_job: true });
    assert.equal(allowed.status, 200, allowed.text);
    const refused = await acme.api('POST', v1Jobs('open'), {
      override_source_config: { path: dir },
      override_target_config: { path: dir },
    });
    tally.refusal(refused, 403, 'FORBIDDEN_FIELD');
    assert.deepEqual(refused.body.error.details.fields, ['override_target_config']);
    // Another flow's allowance does not carry over.
    tally.refusal(await acme.api('POST', v1Jobs('src'), { override_source_config: { path: dir } }), 403, 'FORBIDDEN_FIELD');
    tally.report(t, "item 1: fields a flow's tenant_overrides does not list");
    // Only owner-only fields may be listed.
    const bad = await h.api('PUT', `/${h.envId}/flows/open`, {
      name: 'open',
      type: 'v1-source',
      connectors: ['csv'],
      tenant_overrides: ['tap'],
    });
    assertError(bad, 400, 'VALIDATION_FAILED');
    await h.waitForJob('open', 'acme', allowed.body.job_id);
  });
});

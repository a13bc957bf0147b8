import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FakeCollectionApi } from '../fakes/fake-collection-api.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { AttackTally } from './attack-tally.js';
import { type TenantCaller, tenantCaller } from './tenant-caller.js';

// Issue #12, finding 8: on a v1 source flow a real-time write goes to the flow's own target, with
// the owner's credentials, and answers with the owner's system's replies.
describe('a tenant\'s writes (real-time or tap "api" jobs) go only to its own linked target', () => {
  let h: Harness;
  let ownerApi: FakeCollectionApi;
  let tenantApi: FakeCollectionApi;
  let acme: TenantCaller;

  before(async () => {
    h = await startHarness();
    ownerApi = new FakeCollectionApi('owner-secret-token');
    tenantApi = new FakeCollectionApi('acme-token');
    const ownerUrl = await ownerApi.server.start();
    const tenantUrl = await tenantApi.server.start();
    const owned = await h.api('PUT', `/${h.envId}/flows/owned`, {
      name: 'owned',
      type: 'v1-source',
      connectors: ['csv'],
      target: {
        connector: 'http',
        config: { url: `${ownerUrl}/items`, headers: { Authorization: 'Bearer owner-secret-token' }, max_attempts: 1 },
      },
    });
    assert.equal(owned.status, 200, owned.text);
    assert.equal((await h.api('PUT', `/${h.envId}/flows/mine`, { name: 'mine', type: 'v1-target', connectors: ['http'] })).status, 200);
    acme = await tenantCaller(h, 'acme');
    const link = await acme.api('POST', `/${h.envId}/mine/acme/linkedTargets`, {
      target: { target: 'http', config: { url: `${tenantUrl}/items`, headers: { Authorization: 'Bearer acme-token' }, max_attempts: 1 } },
    });
    assert.equal(link.status, 200, link.text);
  });
  after(async () => {
    await ownerApi.server.stop();
    await tenantApi.server.stop();
    await h.stop();
  });

  test("into the owner's flow target: 403, and nothing reaches the owner's system", async (t) => {
    const tally = new AttackTally();
    for (const async of [false, true]) {
      const res = await acme.api('POST', `/${h.envId}/owned/acme/connectors/http/items`, { data: { name: 'from-acme' }, async });
      tally.refusal(res, 403, 'FORBIDDEN');
      assert.match(res.body.error.message, /owner's target/);
    }
    assert.equal(ownerApi.server.requests.length, 0);
    // The owner may write there (the route works; the refusal is the tenant's).
    const owner = await h.api('POST', `/${h.envId}/owned/acme/connectors/http/items`, { data: { name: 'from-owner' } });
    assert.equal(owner.status, 200, owner.text);
    assert.equal(ownerApi.server.requests.length, 1);
    tally.report(t, "item 8: real-time writes into the owner's target");
  });

  test('into its own linked target: allowed', async () => {
    const res = await acme.api('POST', `/${h.envId}/mine/acme/connectors/http/items`, { data: { name: 'mine' } });
    assert.equal(res.status, 200, res.text);
    assert.equal(tenantApi.server.requests.length, 1);
  });

  test('a tap "api" job into the owner\'s flow target: 403 naming tap, no job, nothing sent', async (t) => {
    const tally = new AttackTally();
    const res = await acme.api('POST', `/${h.envId}/owned/acme/jobs`, { tap: 'api', state: { items: [{ name: 'job-from-acme' }] } });
    tally.refusal(res, 403, 'FORBIDDEN_FIELD');
    assert.deepEqual(res.body.error.details.fields, ['tap']);
    assert.deepEqual((await h.api('GET', `/${h.envId}/owned/acme/jobs`)).body, []);
    const before = ownerApi.server.requests.length;
    // Into its own linked target (v1 target flow) the same job is allowed, and runs.
    const own = await acme.api('POST', `/${h.envId}/mine/acme/jobs`, { tap: 'api', state: { items: [{ name: 'job-mine' }] } });
    assert.equal(own.status, 200, own.text);
    const done = await h.waitForJob('mine', 'acme', own.body.job_id);
    assert.equal(done.status, 'JOB_COMPLETED', JSON.stringify(done.error));
    assert.equal(ownerApi.server.requests.length, before, "nothing reached the owner's system");
    tally.report(t, 'item 8: a tap "api" job into the owner\'s target');
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { AttackTally } from './attack-tally.js';
import { rawRequest } from './tenant-caller.js';

// As sent on the wire (percent-encoded where a URL needs it); each decodes to an id that would
// name another folder, a hidden file, or markup (issue #12, finding 10).
const BAD_IDS = ['T2%2Fsnapshots', '..', '.', '.hidden', '%3Cscript%3E', 'a%20b', 'x%5C..%5Cy', 'tenant%00', 'a'.repeat(201)];
const GOOD_IDS = ['1414_1', 'user@example.com', 'acme-corp.eu', 'A'.repeat(200)];

function fill(pathTemplate: string, envId: string, tenant: string): string {
  return pathTemplate
    .replace('{env}', envId)
    .replace('{tenant}', tenant)
    .replace('{flow}', 'f')
    .replace('{job_id}', 'j')
    .replace('{name}', 'n')
    .replace('{connector_id}', 'csv')
    .replace('{stream}', 's');
}

describe('tenant ids are validated at every route that takes one (400)', () => {
  let h: Harness;
  let routes: { method: string; path: string }[];

  before(async () => {
    h = await startHarness();
    const doc = (await h.api('GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    routes = Object.entries(doc.paths).flatMap(([p, ops]) =>
      p.includes('{tenant}') ? Object.keys(ops).map((m) => ({ method: m.toUpperCase(), path: p })) : [],
    );
  });
  after(() => h.stop());

  test('every route with {tenant} in its path refuses each bad id with a clear 400', async (t) => {
    const tally = new AttackTally();
    assert.ok(routes.length >= 50, `only ${routes.length} tenant routes found`);
    for (const route of routes) {
      for (const bad of BAD_IDS) {
        const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
        const res = await rawRequest(h, route.method, fill(route.path, h.envId, bad), body);
        tally.refusal(res, 400, 'VALIDATION_FAILED');
        assert.match(
          res.body.error.message,
          /invalid tenant id: a tenant id is 1-200 letters, digits/,
          `${route.method} ${route.path} ${bad}`,
        );
      }
    }
    assert.equal(tally.refused, routes.length * BAD_IDS.length);
    tally.report(t, 'item 10: bad tenant ids in paths');
  });

  test('the tenant_id query of /flows/linked is checked the same way', async (t) => {
    const tally = new AttackTally();
    for (const bad of BAD_IDS)
      tally.refusal(await rawRequest(h, 'GET', `/${h.envId}/flows/linked?tenant_id=${bad}`), 400, 'VALIDATION_FAILED');
    tally.report(t, 'item 10: bad tenant ids in the tenant_id query');
  });

  test('nothing was created under a bad id, and good ids still work', async () => {
    assert.deepEqual((await h.api('GET', `/tenants/${h.envId}`)).body, []);
    for (const good of GOOD_IDS) {
      const put = await h.api('PUT', `/tenant/${h.envId}/${encodeURIComponent(good)}/config`, { ok: true });
      assert.equal(put.status, 200, `${good}: ${put.text}`);
      const token = await h.api('POST', `/tenant/${h.envId}/${encodeURIComponent(good)}/token`, {});
      assert.equal(token.status, 200, token.text);
    }
    assert.deepEqual([...(await h.api('GET', `/tenants/${h.envId}`)).body].sort(), [...GOOD_IDS].sort());
  });
});

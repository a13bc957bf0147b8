import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ROUTE_PERMISSIONS } from '../../src/auth/route-permissions.js';
import { AUDITED_CHANGES } from '../../src/model/audit-entry.js';
import { auditSince } from '../support/audit-since.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { AttackTally } from './attack-tally.js';
import { type TenantCaller, tenantCaller } from './tenant-caller.js';

interface Route {
  key: string;
  method: string;
  path: string;
  security: unknown[];
}

function fill(pathTemplate: string, envId: string, tenant: string): string {
  const values: Record<string, string> = {
    env: envId,
    tenant,
    flow: 'f',
    job_id: 'j',
    name: 'n',
    connector_id: 'csv',
    stream: 's',
    id: 'csv',
    event_id: 'e',
    key_id: '0123456789abcdef',
  };
  return pathTemplate.replace(/\{([a-z_]+)\}/g, (_m, name: string) => {
    assert.ok(values[name], `no test value for {${name}}`);
    return values[name]!;
  });
}

const bodyFor = (method: string): unknown => (method === 'GET' || method === 'DELETE' ? undefined : {});

describe('one table decides who may call each route (src/auth/route-permissions.ts)', () => {
  let h: Harness;
  let acme: TenantCaller;
  let routes: Route[];

  before(async () => {
    h = await startHarness();
    acme = await tenantCaller(h, 'acme');
    const doc = (await h.api('GET', '/openapi.json')).body as { paths: Record<string, Record<string, { security: unknown[] }>> };
    routes = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.entries(ops).map(([m, op]) => ({ key: `${m.toUpperCase()} ${p}`, method: m.toUpperCase(), path: p, security: op.security })),
    );
  });
  after(() => h.stop());

  test('every route of /openapi.json has an entry, and every entry is a route', () => {
    const served = new Set(routes.map((r) => r.key));
    assert.deepEqual(
      routes.filter((r) => !ROUTE_PERMISSIONS[r.key]).map((r) => r.key),
      [],
      'routes missing from the table',
    );
    assert.deepEqual(
      Object.keys(ROUTE_PERMISSIONS).filter((k) => !served.has(k)),
      [],
      'table entries that are no route',
    );
  });

  test('/openapi.json states the same callers as the table', () => {
    for (const r of routes) {
      const caller = ROUTE_PERMISSIONS[r.key]!.caller;
      const expected =
        caller === 'anyone' ? [] : caller === 'tenant' ? [{ apiKey: [] }, { apiKey: [], tenantToken: [] }] : [{ apiKey: [] }];
      assert.deepEqual(r.security, expected, r.key);
    }
  });

  test('a tenant token is refused (403) on every owner route, its own tenant in the path', async (t) => {
    const tally = new AttackTally();
    const owner = routes.filter((r) => ROUTE_PERMISSIONS[r.key]!.caller === 'owner');
    assert.ok(owner.length >= 30, `${owner.length} owner routes`);
    for (const r of owner) tally.refusal(await acme.api(r.method, fill(r.path, h.envId, 'acme'), bodyFor(r.method)), 403, 'FORBIDDEN');
    tally.report(t, 'a tenant on every owner route');
  });

  test('a tenant token is refused (403) on every tenant route of another tenant', async (t) => {
    const tally = new AttackTally();
    const tenantRoutes = routes.filter((r) => ROUTE_PERMISSIONS[r.key]!.caller === 'tenant' && r.path.includes('{tenant}'));
    assert.ok(tenantRoutes.length >= 30, `${tenantRoutes.length} tenant routes`);
    for (const r of tenantRoutes)
      tally.refusal(await acme.api(r.method, fill(r.path, h.envId, 'someone-else'), bodyFor(r.method)), 403, 'FORBIDDEN');
    tally.refusal(await acme.api('GET', `/${h.envId}/flows/linked?tenant_id=someone-else`), 403, 'FORBIDDEN');
    tally.report(t, 'a tenant on every route of another tenant');
  });

  test('a tenant token passes the boundary on its own tenant routes (whatever the route then answers)', async () => {
    const own = routes.filter((r) => ROUTE_PERMISSIONS[r.key]!.caller === 'tenant');
    for (const r of own) {
      const url = fill(r.path, h.envId, 'acme') + (r.path.endsWith('/flows/linked') ? '?tenant_id=acme' : '');
      const res = await acme.api(r.method, url, bodyFor(r.method));
      assert.ok(![401, 403].includes(res.status), `${r.key}: ${res.status} ${res.text}`);
      assert.ok(res.status < 500, `${r.key}: ${res.status} ${res.text}`);
    }
  });

  test('routes open to anyone need no key; every other route does (401 without one)', async (t) => {
    const tally = new AttackTally();
    for (const r of routes) {
      const res = await h.api(r.method, fill(r.path, h.envId, 'acme'), bodyFor(r.method), { key: null });
      if (ROUTE_PERMISSIONS[r.key]!.caller === 'anyone') assert.notEqual(res.status, 401, r.key);
      else tally.refusal(res, 401, 'UNAUTHORIZED');
    }
    tally.report(t, 'every keyed route without a key');
  });

  test('every route but the open ones names its resource; every change to an audited one is recorded, no read is', async () => {
    assert.deepEqual(
      routes.filter((r) => ROUTE_PERMISSIONS[r.key]!.caller !== 'anyone' && !ROUTE_PERMISSIONS[r.key]!.resource).map((r) => r.key),
      [],
    );
    const since = await auditSince();
    const owned = routes.filter((r) => ROUTE_PERMISSIONS[r.key]!.caller !== 'anyone');
    // A tenant of its own: the walk deletes the tenant it names.
    for (const r of owned)
      await h.api(
        r.method,
        fill(r.path, h.envId, 'walker') + (r.path.endsWith('/flows/linked') ? '?tenant_id=walker' : ''),
        bodyFor(r.method),
      );
    const res = await h.api('GET', `/${h.envId}/audit?since=${encodeURIComponent(since)}&limit=500`);
    assert.equal(res.status, 200, res.text);
    const recorded = new Set((res.body as { route: string }[]).map((e) => e.route));
    const changes = owned.filter((r) => r.method !== 'GET' && AUDITED_CHANGES.has(ROUTE_PERMISSIONS[r.key]!.resource!)).map((r) => r.key);
    assert.ok(changes.length >= 30, `${changes.length} audited change routes`);
    assert.deepEqual(
      changes.filter((k) => !recorded.has(k)),
      [],
      'changes not recorded',
    );
    assert.deepEqual(
      [...recorded].filter((k) => !changes.includes(k)),
      [],
      'recorded but not a change to an audited resource',
    );
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { buildServer } from '../../src/api/build-server.js';
import { ROUTE_PERMISSIONS } from '../../src/auth/route-permissions.js';
import { ERROR_CATALOGUE } from '../../src/errors/catalogue.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';

/** The routes of blueprint §2 (method, OpenAPI path). */
const EXPECTED: [string, string][] = [
  ['post', '/{env}/{flow}/{tenant}/jobs'],
  ['get', '/{env}/{flow}/{tenant}/jobs'],
  ['get', '/{env}/{flow}/{tenant}/jobs/status'],
  ['get', '/{env}/{flow}/{tenant}/jobs/{job_id}'],
  ['post', '/{env}/{flow}/{tenant}/jobs/{job_id}/cancel'],
  ['post', '/v2/{env}/{flow}/{tenant}/jobs'],
  ['get', '/{env}/{flow}/{tenant}/jobs/{job_id}/export'],
  ['post', '/{env}/{flow}/{tenant}/connectors/{connector_id}/{stream}'],
  ['get', '/{env}/{flow}/{tenant}/connectors/status'],
  ['post', '/v2/{env}/{flow}/{tenant}/connectors/{connector_id}/{stream}'],
  ['get', '/{env}/{flow}/{tenant}/linkedSources'],
  ['post', '/{env}/{flow}/{tenant}/linkedSources'],
  ['delete', '/{env}/{flow}/{tenant}/linkedSources'],
  ['get', '/{env}/{flow}/{tenant}/linkedSources/state'],
  ['put', '/{env}/{flow}/{tenant}/linkedSources/state'],
  ['delete', '/{env}/{flow}/{tenant}/linkedSources/state'],
  ['post', '/{env}/{flow}/{tenant}/linkedTargets'],
  ['get', '/v2/{env}/{flow}/{tenant}/linkedConnectors'],
  ['post', '/v2/{env}/{flow}/{tenant}/linkedConnectors'],
  ['patch', '/v2/{env}/{flow}/{tenant}/linkedConnectors'],
  ['delete', '/v2/{env}/{flow}/{tenant}/linkedConnectors'],
  ['post', '/v2/{env}/{flow}/{tenant}/linkedConnectors/discover'],
  ['get', '/v2/{env}/{flow}/{tenant}/linkedConnectors/discover/poll'],
  ['get', '/v2/{env}/{flow}/{tenant}/linkedConnectors/state'],
  ['get', '/tenants/{env}'],
  ['delete', '/tenant/{env}/{tenant}'],
  ['get', '/tenant/{env}/{tenant}/config'],
  ['put', '/tenant/{env}/{tenant}/config'],
  ['get', '/{env}/flows'],
  ['get', '/{env}/flows/{flow}'],
  ['put', '/{env}/flows/{flow}'],
  ['delete', '/{env}/flows/{flow}'],
  ['get', '/{env}/flows/supported'],
  ['get', '/{env}/flows/linked'],
  ['get', '/{env}/connectors'],
  ['get', '/{env}/connectors/{id}'],
  ['put', '/{env}/connectors/{id}'],
  ['delete', '/{env}/connectors/{id}'],
  ['get', '/{env}/settings'],
  ['put', '/{env}/settings'],
  ['get', '/{env}/audit'],
  ['get', '/health'],
  ['get', '/ready'],
  ['get', '/openapi.json'],
  ['get', '/docs'],
];
const OPEN = new Set(['/health', '/ready', '/openapi.json', '/docs']);

/** `METHOD /path/{param}` for every route in Fastify's printRoutes tree (HEAD is implied by GET). */
function servedOperations(tree: string): string[] {
  const ops: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const [, indent = '', segment, methods] = /^([│ ]*)[├└]── (\S+)(?: \(([^)]+)\))?$/.exec(line) ?? [];
    if (segment === undefined) continue;
    const depth = indent.length / 4;
    stack.length = depth;
    const full = (stack[depth - 1] ?? '') + segment;
    stack[depth] = full;
    for (const method of methods?.split(', ') ?? []) {
      if (method !== 'HEAD') ops.push(`${method} ${full.replace(/:(\w+)/g, '{$1}')}`);
    }
  }
  return ops;
}

describe('/openapi.json and /health', () => {
  let h: Harness;
  let doc: any;
  before(async () => {
    h = await startHarness();
    const res = await h.api('GET', '/openapi.json', undefined, { key: null });
    assert.equal(res.status, 200, res.text);
    doc = res.body;
  });
  after(() => h.stop());

  test('/health answers 200 without a key', async () => {
    const res = await h.api('GET', '/health', undefined, { key: null });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: 'ok' });
  });

  test('/ready answers 200 when the store and the queue answer, with the queue depth', async () => {
    const ready = await h.api('GET', '/ready', undefined, { key: null });
    assert.equal(ready.status, 200, ready.text);
    assert.equal(ready.body.status, 'ready');
    assert.deepEqual(ready.body.checks.store, { ok: true });
    assert.deepEqual(ready.body.checks.queue, { ok: true });
    assert.equal(ready.body.queue_depth, 0);
  });

  test('is a valid OpenAPI 3.1 document (checked by @seriousme/openapi-schema-validator)', async () => {
    assert.match(doc.openapi, /^3\.1\.\d+$/);
    const validator = new Validator();
    const result = await validator.validate(doc);
    assert.equal(validator.version, '3.1');
    assert.deepEqual(result.errors ?? [], []);
    assert.equal(result.valid, true);
  });

  test('every operation documents its success answer with a schema, and its error answers', () => {
    const errorRef = { $ref: '#/components/schemas/Error' };
    for (const [p, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method.toUpperCase()} ${p}`;
        const statuses = Object.keys(op.responses);
        const success = statuses.filter((s) => /^2\d\d$/.test(s));
        assert.ok(success.length > 0, `${where} documents a success answer`);
        for (const s of success) {
          if (s === '204') assert.equal(op.responses[s].content, undefined, `${where} 204 has no body`);
          else {
            const media = Object.values(op.responses[s].content ?? {}) as { schema?: Record<string, unknown> }[];
            assert.ok(
              media.length > 0 && media.every((m) => m.schema && (m.schema.type || m.schema.$ref || m.schema.anyOf)),
              `${where} ${s} has a response schema`,
            );
          }
        }
        // Errors: the one error body, under the statuses that apply to the route.
        assert.deepEqual(op.responses.default?.content?.['application/json']?.schema, errorRef, `${where} default`);
        const expected = new Set<string>();
        const caller = ROUTE_PERMISSIONS[`${method.toUpperCase()} ${p}`]!.caller;
        if (caller !== 'anyone') for (const x of ['401', '403']) expected.add(x);
        if (p.includes('{')) for (const x of ['400', '404']) expected.add(x);
        if (op.requestBody) for (const x of ['400', '413', '415']) expected.add(x);
        for (const status of expected) {
          assert.deepEqual(op.responses[status]?.content?.['application/json']?.schema, errorRef, `${where} documents ${status}`);
        }
        // Every error status answered with the error body says which catalogue codes it stands for.
        for (const status of statuses.filter((x) => /^[45]\d\d$/.test(x) && op.responses[x].content?.['application/json']?.schema?.$ref)) {
          const codes = Object.entries(ERROR_CATALOGUE)
            .filter(([, e]) => String(e.status) === status)
            .map(([c]) => c);
          assert.ok(
            codes.some((c) => op.responses[status].description.includes(c)),
            `${where} ${status} names its catalogue codes`,
          );
        }
      }
    }
  });

  test('/docs serves Swagger UI over /openapi.json from this server alone (no CDN)', async () => {
    const page = await h.api('GET', '/docs', undefined, { key: null });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    assert.deepEqual(assets.sort(), ['docs/docs-init.js', 'docs/swagger-ui-bundle.js', 'docs/swagger-ui.css']);
    for (const asset of assets) {
      const res = await h.api('GET', `/${asset}`, undefined, { key: null });
      assert.equal(res.status, 200, asset);
      assert.match(res.headers.get('content-type') ?? '', asset.endsWith('.css') ? /^text\/css/ : /^text\/javascript/);
      assert.ok(res.text.length > 0, asset);
    }
    const init = (await h.api('GET', '/docs/docs-init.js', undefined, { key: null })).text;
    assert.match(init, /url: 'openapi\.json'/);
    assert.match(init, /validatorUrl: null/, 'the online validator badge is off');
    assert.doesNotMatch(page.text + init, /https?:\/\//, 'nothing is loaded from another host');
    assert.match((await h.api('GET', '/docs/swagger-ui-bundle.js', undefined, { key: null })).text, /SwaggerUIBundle/);
    // At /docs/ the same relative URLs would point one folder too deep (404s, a blank page): that
    // page resolves them from the folder above, as a browser does with its base.
    const slash = await h.api('GET', '/docs/', undefined, { key: null });
    assert.equal(slash.status, 200);
    const base = /<base href="([^"]+)">/.exec(slash.text)?.[1];
    assert.equal(base, '../');
    const from = new URL(base!, `${h.url}/docs/`);
    for (const asset of [...assets, 'openapi.json']) {
      const res = await fetch(new URL(asset, from));
      assert.equal(res.status, 200, `${asset} from /docs/`);
    }
  });

  test('is an OpenAPI 3 document with the security schemes and the error schema', () => {
    assert.match(doc.openapi, /^3\.\d+\.\d+$/);
    assert.equal(typeof doc.info.title, 'string');
    assert.equal(typeof doc.info.version, 'string');
    assert.deepEqual(doc.components.securitySchemes.apiKey, { type: 'apiKey', in: 'header', name: 'x-api-key' });
    assert.equal(doc.components.securitySchemes.tenantToken.scheme, 'bearer');
    assert.deepEqual([...doc.components.schemas.Error.properties.error.properties.code.enum].sort(), Object.keys(ERROR_CATALOGUE).sort());
  });

  test('describes every route of the blueprint, with path parameters and the right security', () => {
    for (const [method, p] of EXPECTED) {
      const op = doc.paths[p]?.[method];
      assert.ok(op, `${method.toUpperCase()} ${p} is documented`);
      assert.ok(op.summary.length > 0, `${method} ${p} has a summary`);
      const names = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const n of names)
        assert.ok(
          op.parameters.some((x: { name: string; in: string; required: boolean }) => x.name === n && x.in === 'path' && x.required),
          `${p} declares {${n}}`,
        );
      if (OPEN.has(p)) assert.deepEqual(op.security, [], `${p} is open`);
      else
        assert.ok(
          op.security.length > 0 && op.security.every((s: Record<string, unknown>) => 'apiKey' in s),
          `${method} ${p} needs x-api-key`,
        );
    }
    // Widget routes also accept a tenant token; administration routes do not.
    assert.ok(doc.paths['/{env}/{flow}/{tenant}/linkedSources'].get.security.some((s: Record<string, unknown>) => 'tenantToken' in s));
    assert.ok(!doc.paths['/{env}/settings'].put.security.some((s: Record<string, unknown>) => 'tenantToken' in s));
    // Bodies are described with their JSON Schema.
    assert.deepEqual(doc.paths['/{env}/flows/{flow}'].put.requestBody.content['application/json'].schema.required, ['name', 'type']);
    assert.ok(
      doc.paths['/{env}/flows/linked'].get.parameters.some(
        (x: { name: string; in: string; required: boolean }) => x.name === 'tenant_id' && x.in === 'query' && x.required,
      ),
    );
  });

  test('every documented operation is served, and nothing served is undocumented', async () => {
    const app = await buildServer(h.sinew.services);
    try {
      await app.ready();
      const documented: string[] = [];
      for (const [p, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
        for (const method of Object.keys(ops)) {
          documented.push(`${method.toUpperCase()} ${p}`);
          const url = p.replace(/\{(\w+)\}/g, ':$1');
          assert.ok(app.hasRoute({ method: method.toUpperCase() as 'GET', url }), `${method} ${p} is served`);
        }
      }
      const served = servedOperations(app.printRoutes({ commonPrefix: false }));
      assert.ok(served.length >= EXPECTED.length, `parsed ${served.length} served operations`);
      for (const op of served) {
        assert.ok(documented.includes(op), `${op} is served but not in /openapi.json`);
      }
      for (const [method, p] of EXPECTED) assert.ok(documented.includes(`${method.toUpperCase()} ${p}`));
      assert.equal(new Set(documented).size, documented.length);
    } finally {
      await app.close();
    }
  });

  test('the document itself needs no key, and other routes do', async () => {
    assert.equal((await h.api('GET', `/${h.envId}/flows`, undefined, { key: null })).status, 401);
    assert.equal((await h.api('GET', '/openapi.json', undefined, { key: 'sk_wrong_but_ignored_000' })).status, 200);
  });
});

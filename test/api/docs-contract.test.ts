import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { OpenApiDocument } from '../support/openapi-conformance.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';

const read = (file: string) => fs.readFile(new URL(`../../${file}`, import.meta.url), 'utf8');

interface NamedRoute {
  method: string;
  path: string;
  where: string;
}

const METHODS = 'GET|POST|PUT|PATCH|DELETE';
const SINEW_URL = /https?:\/\/(?:127\.0\.0\.1|localhost)(?::[^/\s"']*)?(\/[^\s"']*)/;

/**
 * A path as the docs write it, as /openapi.json does: `$E` and `$SINEW_ENV_ID` are `{env}`,
 * `<job_id>` is `{job_id}`, the query string and an optional `[…]` part go.
 */
function normalize(raw: string): string | null {
  const path = raw
    .split(/[?[]/)[0]!
    .replace(/[.,;:)]+$/, '')
    .replace(/\$\{?E\}?|\$SINEW_ENV_ID/g, '{env}')
    .replace(/<(\w+)>/g, '{$1}');
  // `/v2/…`, `…/discover`: shorthand for a family of routes, not one route.
  return path.includes('…') || !path.startsWith('/') ? null : path;
}

/** `GET /{env}/…` and `GET|PUT /…`, `PUT/GET/DELETE /…` (a line break may fall between method and path). */
export function prosRoutes(text: string, file: string): NamedRoute[] {
  const found: NamedRoute[] = [];
  for (const m of text.matchAll(new RegExp(`\\b((?:${METHODS})(?:[|/](?:${METHODS}))*)\\s+(/[^\\s\`'"]*)`, 'g'))) {
    const path = normalize(m[2]!);
    const line = text.slice(0, m.index).split('\n').length;
    if (path) for (const method of m[1]!.split(/[|/]/)) found.push({ method, path, where: `${file}:${line}` });
  }
  return found;
}

/**
 * Each `curl` command: its `-X` method (GET without one, POST with only `-d`) and URL path. A
 * command runs on over `\` line ends, and over the lines of a quoted multi-line `-d` body, to its
 * URL: Sinew's address, 127.0.0.1 or localhost as the docs write it (a body may hold other URLs).
 */
export function curlRoutes(text: string, file: string): NamedRoute[] {
  const found: NamedRoute[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const start = line.indexOf('curl ');
    if (start < 0) return;
    let command = line.slice(start);
    for (let j = i + 1; j < lines.length && j <= i + 12 && !SINEW_URL.test(command) && !lines[j]!.includes('curl '); j++)
      command += ` ${lines[j]}`;
    const url = SINEW_URL.exec(command);
    const path = url ? normalize(url[1]!) : null;
    if (!path) return;
    const method = /\s-X\s+([A-Z]+)/.exec(command)?.[1] ?? (/\s(-d|--data)\s/.test(command) ? 'POST' : 'GET');
    found.push({ method, path, where: `${file}:${i + 1}` });
  });
  return found;
}

/** The doc's JSON examples of answers: a ```json block after `<!-- answer: METHOD /path -->` (or `error`). */
function answerExamples(text: string): { route: string; json: string; where: string }[] {
  const blocks = [...text.matchAll(/```json\n([\s\S]*?)```/g)];
  return blocks.map((b) => {
    const before = text.slice(0, b.index).trimEnd();
    const marker = /<!-- answer: ([^>]+?) -->$/.exec(before);
    const where = `docs/api.md:${before.split('\n').length + 1}`;
    assert.ok(marker, `${where}: a JSON example says which answer it shows (<!-- answer: METHOD /path --> or error)`);
    return { route: marker[1]!, json: b[1]!, where };
  });
}

type Schema = Record<string, any>;

/** Field paths of an example that its schema does not name (an open object names any field). */
function undocumentedFields(value: unknown, schema: Schema | undefined, doc: OpenApiDocument, at: string): string[] {
  if (schema === undefined || value === null || typeof value !== 'object') return [];
  const s = doc.resolve(schema);
  const alternatives = [...(s.anyOf ?? []), ...(s.oneOf ?? [])] as Schema[];
  if (alternatives.length > 0) {
    const each = alternatives.map((a) => undocumentedFields(value, a, doc, at));
    return each.find((missing) => missing.length === 0) ?? each[0]!;
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => undocumentedFields(v, s.items, doc, `${at}[${i}]`));
  const missing: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    const named = s.properties?.[key] as Schema | undefined;
    const other = s.additionalProperties as Schema | boolean | undefined;
    if (named) missing.push(...undocumentedFields(v, named, doc, `${at}.${key}`));
    else if (other && typeof other === 'object') missing.push(...undocumentedFields(v, other, doc, `${at}.${key}`));
    else if (other !== true) missing.push(`${at}.${key}`);
  }
  return missing;
}

describe('the docs and /openapi.json tell the same API', () => {
  let h: Harness;
  let doc: OpenApiDocument;
  let readme: string;
  let api: string;
  before(async () => {
    h = await startHarness();
    doc = new OpenApiDocument((await h.api('GET', '/openapi.json', undefined, { key: null })).body);
    [readme, api] = await Promise.all([read('README.md'), read('docs/api.md')]);
  });
  after(() => h.stop());

  test('every route the README and docs/api.md name (METHOD /path, curl) is in /openapi.json', () => {
    const named = [
      ...prosRoutes(readme, 'README.md'),
      ...curlRoutes(readme, 'README.md'),
      ...prosRoutes(api, 'docs/api.md'),
      ...curlRoutes(api, 'docs/api.md'),
    ];
    // The parser must keep finding what the docs name: a change of style would otherwise pass by finding nothing.
    assert.ok(named.filter((r) => r.where.startsWith('README')).length >= 8, 'routes found in the README');
    assert.ok(named.filter((r) => r.where.startsWith('docs/api')).length >= 40, 'routes found in docs/api.md');
    const missing = named
      .filter((r) => !doc.findOperation(r.method, r.path, { named: true }))
      .map((r) => `${r.where} ${r.method} ${r.path}`);
    assert.deepEqual(missing, []);
  });

  test("every field of docs/api.md's JSON answers is in that answer's schema", () => {
    const examples = answerExamples(api);
    assert.ok(examples.length >= 5, `${examples.length} examples`);
    for (const e of examples) {
      let value: unknown;
      assert.doesNotThrow(() => (value = JSON.parse(e.json)), `${e.where}: the example is JSON`);
      let schema: Schema;
      if (e.route === 'error') schema = doc.doc.components.schemas.Error;
      else {
        const [method, path] = e.route.split(' ');
        const operation = doc.findOperation(method!, path!, { named: true });
        assert.ok(operation, `${e.where}: ${e.route} is in /openapi.json`);
        const success = Object.entries(operation.op.responses as Record<string, Schema>).find(([status]) => /^2/.test(status))![1];
        schema = success.content['application/json'].schema;
      }
      assert.deepEqual(
        undocumentedFields(value, schema, doc, '$'),
        [],
        `${e.where}: fields of the ${e.route} example missing from its schema`,
      );
    }
  });

  test('the checks find what they look for', () => {
    assert.deepEqual(
      prosRoutes('see `GET|PUT /tenant/$E/{tenant}/config` and\n`DELETE\n/$E/keys/{key_id}`', 'x').map((r) => `${r.method} ${r.path}`),
      ['GET /tenant/{env}/{tenant}/config', 'PUT /tenant/{env}/{tenant}/config', 'DELETE /{env}/keys/{key_id}'],
    );
    assert.deepEqual(
      curlRoutes(
        'curl -X PATCH -H "x-api-key: $K" -d \'{}\' \\\n  http://127.0.0.1:8080/$E/crm/acme/jobs/schedule\ncurl "http://localhost:8080/$E/audit?limit=5"',
        'x',
      ).map((r) => `${r.method} ${r.path}`),
      ['PATCH /{env}/crm/acme/jobs/schedule', 'GET /{env}/audit'],
    );
    assert.equal(doc.findOperation('GET', '/{env}/no-such-route', { named: true }), undefined);
    assert.equal(doc.findOperation('DELETE', '/{env}/settings', { named: true }), undefined);
    const job = doc.doc.components.schemas.Job;
    assert.deepEqual(undocumentedFields({ job_id: 'j', no_such_field: 1 }, job, doc, '$'), ['$.no_such_field']);
    assert.deepEqual(undocumentedFields({ state: { anything: 1 }, metrics: { recordCount: { s: 1 } } }, job, doc, '$'), []);
  });
});

import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { MAX_BODY_DEPTH } from '../../src/api/json-depth.js';
import { LocalBlobStorage } from '../../src/storage/local-blob-storage.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { assertError, rawRequest } from './tenant-caller.js';

/** What the API fuzz (api-fuzz.test.ts) found, each pinned by the request that showed it. */
describe('answers the API fuzz found outside the error contract', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ roles: { api: true, worker: false, scheduler: false } });
    assert.equal((await h.api('PUT', `/${h.envId}/flows/deep`, { name: 'deep', type: 'v1-source', connectors: ['csv'] })).status, 200);
    assert.equal(
      (await h.api('POST', `/${h.envId}/deep/acme/linkedSources`, { source: { tap: 'csv', config: { path: await h.tmp('deep') } } }))
        .status,
      200,
    );
  });
  after(() => h.stop());

  test("a path that is not valid percent-encoding is a catalogue 400, not Fastify's FST_ERR_BAD_URL", async () => {
    for (const bad of ['%zz', '%', '%C0%AE']) assertError(await rawRequest(h, 'GET', `/${h.envId}/flows/${bad}`), 400, 'VALIDATION_FAILED');
  });

  test("a path segment over the router's 1000 characters is a catalogue 400, not Fastify's 414", async () => {
    const res = await rawRequest(h, 'GET', `/${h.envId}/flows/${'x'.repeat(1001)}`);
    assertError(res, 400, 'VALIDATION_FAILED');
    assert.ok(!res.text.includes('x'.repeat(1001)), 'the path is not echoed back');
  });

  test('headers over 16 KiB are a catalogue 431 that closes the connection', async () => {
    const url = new URL(h.url);
    const res = await new Promise<{ status: number; connection: string; text: string }>((resolve, reject) => {
      const req = http.request({ host: url.hostname, port: url.port, path: '/health', headers: { 'x-big': 'y'.repeat(20_000) } }, (r) => {
        let text = '';
        r.on('data', (c: Buffer) => (text += c.toString()));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, connection: String(r.headers.connection), text }));
      });
      req.on('error', reject);
      req.end();
    });
    assertError({ status: res.status, body: JSON.parse(res.text), text: res.text, headers: new Headers() }, 431, 'HEADERS_TOO_LARGE');
    assert.equal(res.connection, 'close');
  });

  test(`a body nested deeper than ${MAX_BODY_DEPTH} levels is a 400 on every free-form field, not a 500 when it is saved`, async () => {
    const nest = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const deep = nest(5000);
    const asOwner = (method: string, path: string, rawBody: string) => h.api(method, path, undefined, { rawBody });
    assertError(await asOwner('PUT', `/${h.envId}/deep/acme/linkedSources/state`, deep), 400, 'VALIDATION_FAILED');
    assertError(await asOwner('PUT', `/tenant/${h.envId}/acme/config`, deep), 400, 'VALIDATION_FAILED');
    assertError(await asOwner('POST', `/${h.envId}/deep/acme/jobs`, `{"state":${deep}}`), 400, 'VALIDATION_FAILED');
    // Brackets inside strings are text, not nesting; and a deep but reasonable value is kept.
    assert.equal((await asOwner('PUT', `/tenant/${h.envId}/acme/config`, JSON.stringify({ s: '['.repeat(5000) }))).status, 200);
    const ok = await asOwner('PUT', `/${h.envId}/deep/acme/linkedSources/state`, nest(MAX_BODY_DEPTH - 1));
    assert.equal(ok.status, 200, ok.text);
  });

  test('a NUL character in a path id or a query value is a 400, not a PostgreSQL 500 ("invalid byte sequence")', async () => {
    for (const path of [
      `/${h.envId}/flows/a%00b`,
      `/${h.envId}/a%00b/acme/jobs`,
      `/${h.envId}/deep/acme/jobs/a%00b`,
      `/${h.envId}/deep/acme/linkedSources/state?source=a%00b`,
    ]) {
      const res = await rawRequest(h, 'GET', path);
      assertError(res, 400, 'VALIDATION_FAILED');
      assert.match(res.body.error.message, /NUL/);
    }
  });

  test('writes of one snapshot at the same moment all succeed, and it holds one of them whole', async () => {
    assert.equal((await h.api('POST', `/tenant/${h.envId}/acme/token`, {})).status, 200);
    const puts = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        h.api('PUT', `/tenant/${h.envId}/acme/snapshots/raced`, [
          { id: i, copy: 'a' },
          { id: i, copy: 'b' },
        ]),
      ),
    );
    assert.deepEqual(
      puts.map((r) => r.status),
      Array(16).fill(200),
      puts.map((r) => r.text).join('\n'),
    );
    const lines = (await h.api('GET', `/tenant/${h.envId}/acme/snapshots/raced`)).text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(lines.length, 2);
    assert.equal(lines[0].id, lines[1].id);
  });

  test('listing local storage while its files are deleted lists what is left, not an ENOENT (a 500 of DELETE /tenant)', async () => {
    const storage = new LocalBlobStorage(await h.tmp('listing'));
    for (let round = 0; round < 5; round++) {
      await Promise.all(Array.from({ length: 300 }, (_, i) => storage.put(`t/jobs/${i % 10}/${i}.json`, '{}')));
      const [listed] = await Promise.all([storage.list('t/'), storage.deletePrefix('t/')]);
      assert.ok(listed.length <= 300);
    }
  });
});

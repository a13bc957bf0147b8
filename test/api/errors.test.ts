import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/api/build-server.js';
import { ERROR_CATALOGUE } from '../../src/errors/catalogue.js';
import { type ApiResponse, type Harness, startHarness } from '../support/sinew-harness.js';

/** Every bad input answers a 4xx `{ error: { code, message, details } }` with a catalogue code and no stack trace. */
function assertError(res: ApiResponse, status: number, code: string): void {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  assert.deepEqual(Object.keys(res.body), ['error'], res.text);
  assert.equal(res.body.error.code, code, res.text);
  assert.ok(res.body.error.code in ERROR_CATALOGUE);
  assert.equal(ERROR_CATALOGUE[res.body.error.code as keyof typeof ERROR_CATALOGUE].status, status);
  assert.equal(typeof res.body.error.message, 'string');
  assert.ok(res.body.error.message.length > 0);
  assert.equal(typeof res.body.error.details, 'object');
  assert.doesNotMatch(res.text, /\bat .+\.(ts|js):\d+|"stack"|node_modules/, 'no stack trace in an error body');
}

describe('API errors: bad input is a catalogued 4xx, never a 500', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    const flow = await h.api('PUT', `/${h.envId}/flows/errflow`, { name: 'errors', type: 'v1-source', connectors: ['csv'] });
    assert.equal(flow.status, 200, flow.text);
  });
  after(() => h.stop());

  test('malformed JSON bodies', async () => {
    for (const rawBody of ['{', '{"name": "x",}', '[1, 2', 'nul', '{"a":1}{"b":2}']) {
      assertError(await h.api('PUT', `/${h.envId}/flows/bad`, undefined, { rawBody }), 400, 'VALIDATION_FAILED');
    }
    assertError(
      await h.api('POST', `/${h.envId}/errflow/t1/linkedSources`, undefined, { rawBody: '{"source":' }),
      400,
      'VALIDATION_FAILED',
    );
    assertError(await h.api('PUT', `/${h.envId}/settings`, undefined, { rawBody: "{'job_settings': {}}" }), 400, 'VALIDATION_FAILED');
  });

  test('a body that is not JSON is 415', async () => {
    const body = JSON.stringify({ name: 'x', type: 'v2' });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      assertError(
        await h.api('PUT', `/${h.envId}/flows/ct`, undefined, { rawBody: body, headers: { 'content-type': type } }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
    }
    // Nothing was created by those requests.
    assertError(await h.api('GET', `/${h.envId}/flows/ct`), 404, 'NOT_FOUND');
  });

  test('unknown fields, wrong types and missing required fields are 400 naming the problem', async () => {
    const unknown = await h.api('PUT', `/${h.envId}/flows/f1`, { name: 'x', type: 'v2', colour: 'red' });
    assertError(unknown, 400, 'VALIDATION_FAILED');
    assert.match(unknown.body.error.message, /colour/);
    const wrongType = await h.api('PUT', `/${h.envId}/flows/f1`, { name: 42, type: 'v2' });
    assertError(wrongType, 400, 'VALIDATION_FAILED');
    assert.match(wrongType.body.error.message, /name/);
    const missing = await h.api('PUT', `/${h.envId}/flows/f1`, { name: 'x' });
    assertError(missing, 400, 'VALIDATION_FAILED');
    assert.match(missing.body.error.message, /type/);
    assertError(await h.api('PUT', `/${h.envId}/flows/f1`, [{ name: 'x', type: 'v2' }]), 400, 'VALIDATION_FAILED');
    assertError(await h.api('PUT', `/${h.envId}/flows/f1`, 'v2'), 400, 'VALIDATION_FAILED');
    assertError(await h.api('PUT', `/${h.envId}/flows/f1`, null), 400, 'VALIDATION_FAILED');
    assertError(await h.api('PUT', `/${h.envId}/flows/f1`), 400, 'VALIDATION_FAILED');
    assertError(
      await h.api('POST', `/${h.envId}/errflow/t1/linkedSources`, { source: { tap: 'csv', config: 'path=/tmp' } }),
      400,
      'VALIDATION_FAILED',
    );
    assertError(await h.api('POST', `/${h.envId}/errflow/t1/linkedSources`, { tap: 'csv' }), 400, 'VALIDATION_FAILED');
    assertError(await h.api('PUT', `/${h.envId}/settings`, { monitoring: 'on' }), 400, 'VALIDATION_FAILED');
    assertError(await h.api('PUT', `/${h.envId}/connectors/tap-a`, { kind: 'source', command: 'tap-a' }), 400, 'VALIDATION_FAILED');
    assertError(await h.api('POST', `/${h.envId}/errflow/t1/jobs`, { job_name: 7 }), 400, 'VALIDATION_FAILED');
    assertError(await h.api('POST', `/${h.envId}/errflow/t1/jobs`, { override_start_date: 'last tuesday' }), 400, 'VALIDATION_FAILED');
    assertError(await h.api('POST', `/${h.envId}/errflow/t1/jobs`, { reset_source_state: 'true' }), 400, 'VALIDATION_FAILED');
    // None of them created anything.
    assertError(await h.api('GET', `/${h.envId}/flows/f1`), 404, 'NOT_FOUND');
    assertError(await h.api('GET', `/${h.envId}/connectors/tap-a`), 404, 'NOT_FOUND');
  });

  test('unknown routes and methods are 404 JSON, with or without a key', async () => {
    assertError(await h.api('GET', '/no/such/route/at/all/here'), 404, 'NOT_FOUND');
    assertError(await h.api('GET', '/nothing', undefined, { key: null }), 404, 'NOT_FOUND');
    assertError(await h.api('PATCH', `/${h.envId}/flows/errflow`, { name: 'x' }), 404, 'NOT_FOUND');
    assertError(await h.api('POST', '/health'), 404, 'NOT_FOUND');
  });

  test('unknown flow, tenant, link and connector are 404', async () => {
    assertError(await h.api('GET', `/${h.envId}/flows/nope`), 404, 'NOT_FOUND');
    assertError(await h.api('DELETE', `/${h.envId}/flows/nope`), 404, 'NOT_FOUND');
    assertError(await h.api('GET', `/${h.envId}/nope/t1/linkedSources`), 404, 'NOT_FOUND');
    assertError(
      await h.api('POST', `/${h.envId}/nope/t1/linkedSources`, { source: { tap: 'csv', config: { path: '/tmp' } } }),
      404,
      'NOT_FOUND',
    );
    assertError(await h.api('GET', `/tenant/${h.envId}/ghost/config`), 404, 'NOT_FOUND');
    assertError(await h.api('DELETE', `/tenant/${h.envId}/ghost`), 404, 'NOT_FOUND');
    assertError(await h.api('DELETE', `/${h.envId}/errflow/ghost/linkedSources?source=csv`), 404, 'NOT_FOUND');
    assertError(await h.api('GET', `/${h.envId}/errflow/ghost/linkedSources/state?source=csv`), 404, 'NOT_FOUND');
    assertError(await h.api('GET', `/${h.envId}/connectors/tap-ghost`), 404, 'NOT_FOUND');
    assertError(await h.api('DELETE', `/${h.envId}/connectors/tap-ghost`), 404, 'NOT_FOUND');
    assertError(await h.api('GET', `/${h.envId}/errflow/t1/jobs/nojob`), 404, 'NOT_FOUND');
  });

  test('an unknown job status filter is 400 listing the allowed ones', async () => {
    const res = await h.api('GET', `/${h.envId}/errflow/t1/jobs?status=JOB_COMPLETED,ALMOST_DONE`);
    assertError(res, 400, 'VALIDATION_FAILED');
    assert.match(res.body.error.message, /ALMOST_DONE/);
    assert.ok(res.body.error.details.allowed.includes('JOB_COMPLETED'));
    assertError(await h.api('GET', `/${h.envId}/errflow/t1/jobs?limit=0`), 400, 'VALIDATION_FAILED');
    assertError(await h.api('GET', `/${h.envId}/errflow/t1/jobs?limit=many`), 400, 'VALIDATION_FAILED');
    const ok = await h.api('GET', `/${h.envId}/errflow/t1/jobs?status=JOB_COMPLETED`);
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.body, []);
  });

  test('a body above the limit is 413', async () => {
    // A second server over the same services with a small limit: the same code path as 64 MiB, in milliseconds.
    const app: FastifyInstance = await buildServer(h.sinew.services, { bodyLimit: 1024 });
    try {
      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      const res = await fetch(`${url}/${h.envId}/flows/big`, {
        method: 'PUT',
        headers: { 'x-api-key': h.key, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'x'.repeat(4096), type: 'v2' }),
      });
      const text = await res.text();
      assertError({ status: res.status, body: JSON.parse(text), text, headers: res.headers }, 413, 'PAYLOAD_TOO_LARGE');
      const small = await fetch(`${url}/${h.envId}/flows/big`, {
        method: 'PUT',
        headers: { 'x-api-key': h.key, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'small', type: 'v2' }),
      });
      assert.equal(small.status, 200, await small.text());
    } finally {
      await app.close();
    }
  });

  test('the real server refuses a body above 64 MiB with 413', async () => {
    const res = await h.api('PUT', `/${h.envId}/flows/huge`, undefined, {
      rawBody: `{"name":"${'x'.repeat(64 * 1024 * 1024 + 16)}","type":"v2"}`,
    });
    assertError(res, 413, 'PAYLOAD_TOO_LARGE');
  });
});

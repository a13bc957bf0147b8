import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startHarness, type Harness } from '../support/sinew-harness.js';
import { assertError, rawRequest } from './tenant-caller.js';

/** What the API fuzz (api-fuzz.test.ts) found, each pinned by the request that showed it. */
describe('answers the API fuzz found outside the error contract', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ roles: { api: true, worker: false, scheduler: false } });
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
});

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { httpConnector } from '../../src/connectors/builtin/http/http-connector.js';
import { redactConfig } from '../../src/crypto/config-redaction.js';
import type { SingerMessage } from '../../src/singer/message.js';
import { FakeCollectionApi } from '../fakes/fake-collection-api.js';
import { recordMessage, resultsOf, writeAsSingerProcess, writeThrough } from '../fakes/target-runs.js';
import { at, atLeast } from '../support/elements.js';

const TOKEN = 'secret-token';
const schema: SingerMessage = { type: 'SCHEMA', stream: 'people', schema: { type: 'object', properties: {} }, key_properties: [] };
const target = httpConnector.target!;

describe('http write target', () => {
  let api: FakeCollectionApi;
  let base: string;
  const config = (extra: Record<string, unknown> = {}) => ({
    url: `${base}/items`,
    headers: { Authorization: `Bearer ${TOKEN}` },
    retry_base_ms: 20,
    ...extra,
  });

  before(async () => {
    api = new FakeCollectionApi(TOKEN, 100);
    base = await api.server.start();
  });
  after(() => api.server.stop());

  test('creates, updates by __sinew_remote_id, deletes, and fails only the bad record, in the result protocol', async () => {
    const first = await writeThrough(target, config(), [
      schema,
      recordMessage('people', { externalId: 'e1', name: 'Ann' }),
      recordMessage('people', { externalId: 'e2', age: 3 }),
      recordMessage('people', { externalId: 'e3', name: 'Cy', __sinew_other: 'x' }),
    ]);
    assert.equal(first.states.length, 1);
    const [ann, bad, cy] = atLeast(3, resultsOf(first, 'people'));
    assert.equal(ann.hash, createHash('sha256').update('{"externalId":"e1","name":"Ann"}').digest('hex'));
    assert.equal(cy.hash, createHash('sha256').update('{"externalId":"e3","name":"Cy"}').digest('hex'), '__sinew_* fields are not hashed');
    assert.deepEqual(
      { ...ann, hash: undefined },
      { hash: undefined, success: true, id: ann.id, externalId: 'e1', error: null, updated: false },
    );
    assert.match(String(ann.id), /^item-\d+$/);
    assert.equal(bad.success, false);
    assert.equal(bad.externalId, 'e2');
    assert.match(String(bad.error), /^422 .*name is required/);
    assert.deepEqual(at(first.states, 0).summary, { people: { success: 2, fail: 1, existing: 0, updated: 0 } });
    assert.deepEqual(api.items.get(String(cy.id)), { externalId: 'e3', name: 'Cy', id: cy.id }, 'the __sinew_* fields are stripped');

    const second = await writeThrough(target, config(), [
      schema,
      recordMessage('people', { externalId: 'e1', name: 'Ann B', __sinew_remote_id: ann.id }),
      recordMessage('people', { externalId: 'e3', __sinew_remote_id: cy.id, __sinew_delete: true }),
      recordMessage('people', { externalId: 'e9', name: 'Zed', __sinew_remote_id: 'item-nope' }),
    ]);
    const [updated, deleted, missing] = atLeast(3, resultsOf(second, 'people'));
    assert.deepEqual([updated.success, updated.updated, updated.id], [true, true, ann.id]);
    assert.equal(api.items.get(String(ann.id))?.name, 'Ann B');
    assert.deepEqual([deleted.success, deleted.deleted], [true, true]);
    assert.equal(api.items.has(String(cy.id)), false);
    assert.equal(missing.success, false);
    assert.match(String(missing.error), /^404 /);
    assert.deepEqual(at(second.states, 0).summary, { people: { success: 2, fail: 1, existing: 0, updated: 1 } });
  });

  test('batch mode sends arrays of batch_size and maps each element back to its record', async () => {
    const before = api.server.requests.length;
    const records = Array.from({ length: 250 }, (_, i) =>
      recordMessage('people', i === 7 ? { externalId: `b${i}` } : { externalId: `b${i}`, name: `n${i}` }),
    );
    const run = await writeThrough(target, config({ batch_url: '{url}/batch', batch_size: 100 }), [schema, ...records]);
    const seen = api.server.requests.slice(before);
    assert.equal(seen.length, 3, 'three array calls for 250 records');
    assert.deepEqual(
      seen.map((r) => (r.body as unknown[]).length),
      [100, 100, 50],
    );
    const results = resultsOf(run, 'people');
    assert.equal(results.length, 250);
    assert.equal(results.filter((r) => r.success).length, 249);
    assert.equal(at(results, 7).success, false);
    assert.match(String(at(results, 7).error), /name is required/);
    assert.equal(at(results, 8).externalId, 'b8');
    assert.equal(api.items.get(String(at(results, 8).id))?.name, 'n8');
  });

  test('concurrency bounds the calls in flight, one call per record as in batch mode', async () => {
    api.server.latencyMs = 5;
    try {
      // Per record: more than one result batch (200 records each), which the target writes two at a time.
      for (const [mode, count, extra] of [
        ['per record', 450, {}],
        ['batch', 60, { batch_url: '{url}/batch', batch_size: 4 }],
      ] as const) {
        api.server.peakInFlight = 0;
        const records = Array.from({ length: count }, (_, i) => recordMessage('people', { externalId: `cc-${mode}-${i}`, name: `N${i}` }));
        const run = await writeThrough(target, config({ concurrency: 3, ...extra }), [schema, ...records]);
        assert.equal(resultsOf(run, 'people').filter((r) => r.success).length, count, mode);
        assert.ok(api.server.peakInFlight <= 3, `${mode}: ${api.server.peakInFlight} calls were in flight at once, concurrency is 3`);
        assert.ok(api.server.peakInFlight >= 2, `${mode}: the calls ran one at a time`);
      }
    } finally {
      api.server.latencyMs = 0;
    }
  });

  test('retries 429 honouring Retry-After and 5xx with backoff; a batch failing after every attempt fails its records only', async () => {
    api.server.failNext(1, { status: 429, headers: { 'retry-after': '1' }, body: { message: 'slow down' } });
    api.server.failNext(1, { status: 503, body: { message: 'busy' } });
    const before = api.server.requests.length;
    const started = Date.now();
    const run = await writeThrough(target, config({ concurrency: 1 }), [schema, recordMessage('people', { name: 'Retry' })]);
    assert.ok(Date.now() - started >= 950, 'waited the second Retry-After asked for');
    assert.equal(api.server.requests.length - before, 3);
    assert.equal(at(resultsOf(run, 'people'), 0).success, true);

    api.server.failNext(3, { status: 502, body: { message: 'bad gateway' } });
    const failedRun = await writeThrough(target, config({ batch_url: '{url}/batch', max_attempts: 3 }), [
      schema,
      recordMessage('people', { name: 'a' }),
      recordMessage('people', { name: 'b' }),
    ]);
    const results = resultsOf(failedRun, 'people');
    assert.deepEqual(
      results.map((r) => r.success),
      [false, false],
    );
    assert.match(String(at(results, 0).error), /^502 /);
  });

  test('an HTTP date in Retry-After is honoured', async () => {
    api.server.failNext(1, { status: 429, headers: { 'retry-after': new Date(Date.now() + 1500).toUTCString() } });
    const started = Date.now();
    const run = await writeThrough(target, config(), [schema, recordMessage('people', { name: 'Dated' })]);
    assert.ok(Date.now() - started >= 400, 'waited for the date');
    assert.equal(at(resultsOf(run, 'people'), 0).success, true);
  });

  test('wrong credentials stop the target; the auth header is redacted from stored configs', async () => {
    await assert.rejects(
      writeThrough(target, config({ headers: { Authorization: 'Bearer wrong' } }), [schema, recordMessage('people', { name: 'x' })]),
      /refused the credentials/,
    );
    const redacted = redactConfig(config(), httpConnector.definition.config_schema) as { headers: Record<string, string> };
    assert.equal(redacted.headers.Authorization, '********');
  });

  test('as a Singer target process: results on stdout; bad credentials exit non-zero', async () => {
    const ok = await writeAsSingerProcess('http', config(), [
      schema,
      recordMessage('people', { externalId: 'p1', name: 'Proc' }),
      recordMessage('people', { externalId: 'p2' }),
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    const results = resultsOf(ok, 'people');
    assert.deepEqual(
      results.map((r) => [r.externalId, r.success]),
      [
        ['p1', true],
        ['p2', false],
      ],
    );
    assert.deepEqual(at(ok.states, 0).summary, { people: { success: 1, fail: 1, existing: 0, updated: 0 } });

    const denied = await writeAsSingerProcess('http', config({ headers: { Authorization: 'Bearer nope' } }), [
      schema,
      recordMessage('people', { name: 'x' }),
    ]);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /refused the credentials/);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { salesforceConnector } from '../../src/connectors/builtin/salesforce/salesforce-connector.js';
import type { SingerMessage } from '../../src/singer/message.js';
import { FakeSalesforce, SALESFORCE_VERSION, salesforceLimitExceeded } from '../fakes/fake-salesforce.js';
import { recordMessage, resultsOf, writeAsSingerProcess, writeThrough } from '../fakes/target-runs.js';
import { at, atLeast } from '../support/elements.js';

const TOKEN = '00Dxx!token';
const schema: SingerMessage = { type: 'SCHEMA', stream: 'contacts', schema: { type: 'object', properties: {} }, key_properties: [] };
const target = salesforceConnector.target!;
const PREFIX = `/services/data/${SALESFORCE_VERSION}`;

describe('salesforce write target', () => {
  let sf: FakeSalesforce;
  let base: string;
  const config = (extra: Record<string, unknown> = {}) => ({
    instance_url: base,
    access_token: TOKEN,
    api_version: SALESFORCE_VERSION,
    objects: { contacts: 'Contact' },
    external_id_field: { Contact: 'External_Id__c' },
    retry_base_ms: 20,
    ...extra,
  });

  before(async () => {
    sf = new FakeSalesforce(TOKEN);
    base = await sf.server.start();
  });
  after(() => sf.server.stop());

  test('upserts natively by External ID through the collections API; a second write updates the same record', async () => {
    assert.equal(salesforceConnector.definition.capabilities.native_external_id, true);
    const before = sf.server.requests.length;
    const records = Array.from({ length: 250 }, (_, i) =>
      recordMessage('contacts', i === 5 ? { externalId: `s${i}`, FirstName: 'NoLast' } : { externalId: `s${i}`, LastName: `L${i}` }),
    );
    const run = await writeThrough(target, config(), [schema, ...records]);
    const calls = sf.server.requests.slice(before);
    assert.deepEqual(
      calls.map((c) => `${c.method} ${c.path} ${(c.body as { records: unknown[] }).records.length}`),
      [`PATCH ${PREFIX}/composite/sobjects/Contact/External_Id__c 200`, `PATCH ${PREFIX}/composite/sobjects/Contact/External_Id__c 50`],
    );
    assert.equal((at(calls, 0).body as { allOrNone: boolean }).allOrNone, false);
    const results = resultsOf(run, 'contacts');
    assert.equal(at(results, 5).success, false);
    assert.match(String(at(results, 5).error), /REQUIRED_FIELD_MISSING: Required fields are missing: \[LastName\] \(LastName\)/);
    assert.equal(results.filter((r) => r.success).length, 249);
    assert.ok(results.filter((r) => r.success).every((r) => r.updated === false && /^003/.test(String(r.id))));

    const again = await writeThrough(target, config(), [
      schema,
      recordMessage('contacts', { externalId: 's1', LastName: 'Changed' }),
      recordMessage('contacts', { externalId: 's2', LastName: 'L2' }),
    ]);
    const [s1, s2] = atLeast(2, resultsOf(again, 'contacts'));
    assert.deepEqual([s1.success, s1.updated, s1.id], [true, true, at(results, 1).id]);
    assert.equal(sf.records.get(String(s1.id))!.LastName, 'Changed');
    assert.deepEqual([s2.success, s2.updated], [true, true]);
    assert.equal(sf.records.size, 249);
  });

  test('one record goes through the single-record upsert (201 created, 200 updated; REST errors mapped)', async () => {
    const created = at(
      resultsOf(
        await writeThrough(target, config(), [schema, recordMessage('contacts', { externalId: 'one', LastName: 'One' })]),
        'contacts',
      ),
      0,
    );
    assert.equal(sf.server.requests.at(-1)!.path, `${PREFIX}/sobjects/Contact/External_Id__c/one`);
    assert.deepEqual(sf.server.requests.at(-1)!.body, { LastName: 'One' });
    assert.deepEqual([created.success, created.updated], [true, false]);
    const updated = at(
      resultsOf(
        await writeThrough(target, config(), [schema, recordMessage('contacts', { externalId: 'one', LastName: 'Uno' })]),
        'contacts',
      ),
      0,
    );
    assert.deepEqual([updated.success, updated.updated, updated.id], [true, true, created.id]);
    const bad = at(
      resultsOf(
        await writeThrough(target, config(), [schema, recordMessage('contacts', { externalId: 'two', 'Bad Field': 1 })]),
        'contacts',
      ),
      0,
    );
    assert.equal(bad.success, false);
    assert.match(String(bad.error), /^400 INVALID_FIELD: No such column/);
  });

  test('REQUEST_LIMIT_EXCEEDED and 503 are retried; delete by id for rollback', async () => {
    sf.server.failNext(1, salesforceLimitExceeded());
    sf.server.failNext(1, { status: 503, body: [{ message: 'Server unavailable', errorCode: 'SERVER_UNAVAILABLE' }] });
    const before = sf.server.requests.length;
    const [made] = atLeast(
      1,
      resultsOf(
        await writeThrough(target, config(), [schema, recordMessage('contacts', { externalId: 'r1', LastName: 'Retry' })]),
        'contacts',
      ),
    );
    assert.equal(made.success, true);
    assert.equal(sf.server.requests.length - before, 3);

    const run = await writeThrough(target, config(), [
      schema,
      recordMessage('contacts', { externalId: 'r1', __sinew_remote_id: made.id, __sinew_delete: true }),
      recordMessage('contacts', { externalId: 'r2', __sinew_delete: true }),
    ]);
    const [deleted, noId] = atLeast(2, resultsOf(run, 'contacts'));
    assert.deepEqual([deleted.success, deleted.deleted], [true, true]);
    assert.equal(sf.records.has(String(made.id)), false);
    assert.equal(noId.success, false);
    assert.match(String(noId.error), /no __sinew_remote_id/);
  });

  test('as a Singer target process; an invalid session exits non-zero', async () => {
    const run = await writeAsSingerProcess('salesforce', config(), [
      schema,
      recordMessage('contacts', { externalId: 'p1', LastName: 'Proc' }),
      recordMessage('contacts', { externalId: 'p2', LastName: 'Proc2' }),
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(at(run.states, 0).summary, { contacts: { success: 2, fail: 0, existing: 0, updated: 0 } });
    const denied = await writeAsSingerProcess('salesforce', config({ access_token: 'expired' }), [
      schema,
      recordMessage('contacts', { externalId: 'p3', LastName: 'x' }),
    ]);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /INVALID_SESSION_ID/);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hubspotConnector } from '../../src/connectors/builtin/hubspot/hubspot-connector.js';
import { redactConfig } from '../../src/crypto/config-redaction.js';
import type { SingerMessage } from '../../src/singer/message.js';
import { FakeHubspot, hubspotRateLimit } from '../fakes/fake-hubspot.js';
import { recordMessage, resultsOf, writeAsSingerProcess, writeThrough } from '../fakes/target-runs.js';
import { at, atLeast } from '../support/elements.js';

const TOKEN = 'pat-na1-test';
const contacts: SingerMessage = { type: 'SCHEMA', stream: 'Contacts', schema: { type: 'object', properties: {} }, key_properties: [] };
const companies: SingerMessage = { type: 'SCHEMA', stream: 'companies', schema: { type: 'object', properties: {} }, key_properties: [] };
const target = hubspotConnector.target!;

describe('hubspot write target', () => {
  let hubspot: FakeHubspot;
  let base: string;
  const config = (extra: Record<string, unknown> = {}) => ({ access_token: TOKEN, base_url: base, retry_base_ms: 20, ...extra });

  before(async () => {
    hubspot = new FakeHubspot(TOKEN);
    base = await hubspot.server.start();
  });
  after(() => hubspot.server.stop());

  test('batch/create in batches of 100 with a 207 for the bad record only; properties as strings without externalId', async () => {
    const before = hubspot.server.requests.length;
    const records = Array.from({ length: 150 }, (_, i) =>
      recordMessage('Contacts', {
        externalId: `c${i}`,
        email: i === 42 ? 'not-an-email' : `c${i}@example.com`,
        score: i,
        vip: i % 2 === 0,
      }),
    );
    const run = await writeThrough(target, config(), [contacts, ...records]);
    const calls = hubspot.server.requests.slice(before);
    assert.deepEqual(
      calls.map((c) => `${c.method} ${c.path} ${(c.body as { inputs: unknown[] }).inputs.length}`),
      ['POST /crm/v3/objects/contacts/batch/create 100', 'POST /crm/v3/objects/contacts/batch/create 50'],
    );
    assert.equal(at(calls, 0).headers.authorization, `Bearer ${TOKEN}`);
    const results = resultsOf(run, 'Contacts');
    assert.equal(results.length, 150);
    assert.equal(at(results, 42).success, false);
    assert.equal(at(results, 42).externalId, 'c42');
    assert.match(String(at(results, 42).error), /^207 VALIDATION_ERROR: .*not a valid email/);
    assert.equal(results.filter((r) => r.success).length, 149);
    assert.deepEqual(hubspot.objects.get('contacts')!.get(String(at(results, 3).id)), {
      email: 'c3@example.com',
      score: '3',
      vip: 'false',
    });
    assert.deepEqual(
      run.states.map((s) => s.summary.Contacts),
      [
        { success: 99, fail: 1, existing: 0, updated: 0 },
        { success: 50, fail: 0, existing: 0, updated: 0 },
      ],
    );
  });

  test('records with __sinew_remote_id go through batch/update; an unknown id fails alone; archive for rollback', async () => {
    const created = resultsOf(
      await writeThrough(target, config(), [
        companies,
        recordMessage('companies', { externalId: 'k1', name: 'Acme' }),
        recordMessage('companies', { externalId: 'k2', name: 'Beta' }),
      ]),
      'companies',
    );
    const [acme, beta] = atLeast(
      2,
      created.map((r) => String(r.id)),
    );
    const run = await writeThrough(target, config(), [
      companies,
      recordMessage('companies', { externalId: 'k1', name: 'Acme Inc', __sinew_remote_id: acme }),
      recordMessage('companies', { externalId: 'k3', name: 'Ghost', __sinew_remote_id: '999999' }),
      recordMessage('companies', { externalId: 'k2', __sinew_remote_id: beta, __sinew_delete: true }),
    ]);
    const [updated, ghost, archived] = atLeast(3, resultsOf(run, 'companies'));
    assert.deepEqual([updated.success, updated.updated, updated.id], [true, true, acme]);
    assert.equal(hubspot.objects.get('companies')!.get(acme)!.name, 'Acme Inc');
    assert.equal(ghost.success, false);
    assert.match(String(ghost.error), /OBJECT_NOT_FOUND/);
    assert.deepEqual([archived.success, archived.deleted], [true, true]);
    assert.equal(hubspot.objects.get('companies')!.has(beta), false);
  });

  test("429 with HubSpot's body and Retry-After is retried after the wait; 5xx too", async () => {
    hubspot.server.failNext(1, hubspotRateLimit(1));
    hubspot.server.failNext(1, { status: 502, body: { status: 'error', message: 'Bad gateway' } });
    const before = hubspot.server.requests.length;
    const started = Date.now();
    const run = await writeThrough(target, config(), [contacts, recordMessage('Contacts', { email: 'retry@example.com' })]);
    assert.ok(Date.now() - started >= 950);
    assert.equal(hubspot.server.requests.length - before, 3);
    assert.equal(at(resultsOf(run, 'Contacts'), 0).success, true);

    hubspot.server.failNext(1, {
      status: 429,
      body: { status: 'error', message: 'You have reached your daily limit.', errorType: 'RATE_LIMIT', policyName: 'DAILY' },
    });
    const daily = await writeThrough(target, config(), [contacts, recordMessage('Contacts', { email: 'daily@example.com' })]);
    assert.match(String(at(resultsOf(daily, 'Contacts'), 0).error), /^429 .*daily limit/, 'a daily limit is not waited out');
  });

  test('as a Singer target process; a bad token exits non-zero; the token is redacted', async () => {
    const run = await writeAsSingerProcess('hubspot', config(), [
      contacts,
      recordMessage('Contacts', { externalId: 'p1', email: 'p1@example.com' }),
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(
      resultsOf(run, 'Contacts').map((r) => [r.externalId, r.success]),
      [['p1', true]],
    );
    const denied = await writeAsSingerProcess('hubspot', config({ access_token: 'wrong' }), [
      contacts,
      recordMessage('Contacts', { email: 'x@example.com' }),
    ]);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /refused the access token/);
    assert.equal((redactConfig(config(), hubspotConnector.definition.config_schema) as { access_token: string }).access_token, '********');
  });
});

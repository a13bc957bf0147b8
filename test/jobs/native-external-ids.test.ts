import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { FakeSalesforce, SALESFORCE_VERSION } from '../fakes/fake-salesforce.js';
import { createPostgresSchema, type PostgresTestSchema, postgresSkipReason } from '../support/postgres-schema.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';

const skipPostgres = await postgresSkipReason();

/**
 * Targets whose systems have external ids upsert natively: Sinew adds no remote id to the records
 * but still keeps the ids they report in the record-id map (for rollback and the snapshot files),
 * and still skips records that did not change.
 */
describe('write jobs: targets with native external ids', () => {
  let h: Harness;
  let sf: FakeSalesforce;
  let sfUrl: string;
  before(async () => {
    h = await startHarness();
    sf = new FakeSalesforce('00Dsf!tok');
    sfUrl = await sf.server.start();
  });
  after(async () => {
    await sf.server.stop();
    await h.stop();
  });

  const write = async (flow: string, tenant: string, state: Record<string, unknown>) => {
    const job = await h.api('POST', `/${h.envId}/${flow}/${tenant}/jobs`, { tap: 'api', state });
    assert.equal(job.status, 200, job.text);
    return h.waitForJob(flow, tenant, job.body.job_id, { timeoutMs: 60_000 });
  };

  test('salesforce: upserts by the External ID field; the map keeps the Salesforce ids; the records carry no Sinew field', async () => {
    await h.api('PUT', `/${h.envId}/flows/sf`, { name: 'sf', type: 'v1-target', connectors: ['salesforce'] });
    const link = await h.api('POST', `/${h.envId}/sf/acme/linkedTargets`, {
      target: {
        target: 'salesforce',
        config: {
          instance_url: sfUrl,
          access_token: '00Dsf!tok',
          api_version: SALESFORCE_VERSION,
          objects: { Contacts: 'Contact' },
          external_id_field: { Contact: 'External_Id__c' },
        },
      },
    });
    assert.equal(link.status, 200, link.text);
    const first = await write('sf', 'acme', {
      Contacts: [
        { externalId: 'x1', LastName: 'One' },
        { externalId: 'x2', LastName: 'Two' },
      ],
    });
    assert.equal(first.status, 'JOB_COMPLETED', first.error);
    const second = await write('sf', 'acme', {
      Contacts: [
        { externalId: 'x1', LastName: 'Uno' },
        { externalId: 'x2', LastName: 'Two' },
      ],
    });
    assert.equal(second.status, 'JOB_COMPLETED', second.error);
    assert.deepEqual(second.state.summary, { Contacts: { success: 2, fail: 0, existing: 1, updated: 1 } });
    assert.equal(sf.records.size, 2);
    const x1 = [...sf.records.values()].find((r) => r.External_Id__c === 'x1')!;
    assert.equal(x1.LastName, 'Uno');
    assert.ok(!Object.keys(x1).some((k) => k.startsWith('__sinew')));
    const entries = await h.sinew.services.store.recordIds.lookup({ env_id: h.envId, tenant: 'acme', flow_id: 'sf', stream: 'Contacts' }, [
      'x1',
      'x2',
    ]);
    assert.equal(entries.get('x1')?.remote_id, x1.Id);
    assert.ok(!sf.server.requests.some((r) => JSON.stringify(r.body ?? null).includes('__sinew')), 'no Sinew field reached Salesforce');
    assert.equal(
      sf.server.requests.filter((r) => r.method === 'PATCH' && r.path.includes('/External_Id__c')).length,
      2,
      'one upsert per job: x2 unchanged was not sent',
    );
  });

  describe('postgres', { skip: skipPostgres }, () => {
    let db: PostgresTestSchema;
    let client: pg.Client;
    before(async () => {
      db = await createPostgresSchema();
      client = new pg.Client({ connectionString: db.url });
      await client.connect();
    });
    after(async () => {
      await client.end();
      await db.drop();
    });

    test('records with externalId upsert by the external id column; a changed one updates its row', async () => {
      await h.api('PUT', `/${h.envId}/flows/pgw`, { name: 'pgw', type: 'v1-target', connectors: ['postgres'] });
      const link = await h.api('POST', `/${h.envId}/pgw/t9/linkedTargets`, {
        target: { target: 'postgres', config: { connection_string: db.url, schema: db.schema } },
      });
      assert.equal(link.status, 200, link.text);
      const first = await write('pgw', 't9', {
        people: [
          { externalId: 'p1', name: 'Ann', age: 30 },
          { externalId: 'p2', name: 'Bob', age: 41 },
        ],
      });
      assert.equal(first.status, 'JOB_COMPLETED', first.error);
      assert.deepEqual(first.state.summary, { people: { success: 2, fail: 0, existing: 0, updated: 0 } });
      const second = await write('pgw', 't9', {
        people: [
          { externalId: 'p1', name: 'Ann', age: 31 },
          { externalId: 'p2', name: 'Bob', age: 41 },
        ],
      });
      assert.equal(second.status, 'JOB_COMPLETED', second.error);
      assert.deepEqual(second.state.summary, { people: { success: 2, fail: 0, existing: 1, updated: 1 } });
      const rows = (await client.query(`select external_id, name, age::int as age from "${db.schema}".people order by external_id`)).rows;
      assert.deepEqual(rows, [
        { external_id: 'p1', name: 'Ann', age: 31 },
        { external_id: 'p2', name: 'Bob', age: 41 },
      ]);
    });
  });
});

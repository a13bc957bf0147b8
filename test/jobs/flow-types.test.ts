import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Harness, startHarness } from '../support/sinew-harness.js';

describe('jobs across flow types: v2 read and write, v1 target, api source', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.stop());

  test('v2 flow: a read job from the linked connector to the flow target, then a write job into it', async () => {
    const tenantDir = await h.tmp('tenant');
    const warehouse = await h.tmp('warehouse');
    await fs.writeFile(
      path.join(tenantDir, 'contacts.csv'),
      'id,name,updated_at\n1,Ann,2026-01-01T00:00:00Z\n2,Bob,2026-01-02T00:00:00Z\n',
    );
    const flow = await h.api('PUT', `/${h.envId}/flows/bidi`, {
      name: 'bidi',
      type: 'v2',
      connectors: ['csv'],
      target: { connector: 'jsonl', config: { path: warehouse } },
    });
    assert.equal(flow.status, 200, flow.text);
    const link = await h.api('POST', `/v2/${h.envId}/bidi/acme/linkedConnectors`, { connector_id: 'csv', config: { path: tenantDir } });
    assert.equal(link.status, 200, link.text);

    const v1 = await h.api('POST', `/${h.envId}/bidi/acme/jobs`, {});
    assert.equal(v1.status, 400, 'a v2 flow takes v2 job requests');
    const read = await h.api('POST', `/v2/${h.envId}/bidi/acme/jobs`, { connector_id: 'csv', job_type: 'read' });
    assert.equal(read.status, 200, read.text);
    assert.equal(read.body.connector_id, 'csv');
    assert.equal(read.body.job_type, 'read');
    const readJob = await h.waitForJob('bidi', 'acme', read.body.job_id);
    assert.equal(readJob.status, 'JOB_COMPLETED', readJob.error);
    assert.deepEqual(readJob.metrics.recordCount, { contacts: 2 });
    assert.equal((await fs.readFile(path.join(warehouse, 'contacts.jsonl'), 'utf8')).trim().split('\n').length, 2);
    const v2get = await h.api('GET', `/v2/${h.envId}/bidi/acme/jobs/${read.body.job_id}`);
    assert.equal(v2get.status, 200);

    // write: records from the request's state into the tenant's csv directory
    const noState = await h.api('POST', `/v2/${h.envId}/bidi/acme/jobs`, { connector_id: 'csv', job_type: 'write' });
    assert.equal(noState.status, 400);
    // Raw body text: the big number must reach the target exactly as the client wrote it.
    const write = await h.api('POST', `/v2/${h.envId}/bidi/acme/jobs`, undefined, {
      rawBody:
        '{"connector_id":"csv","job_type":"write","state":{"Deals":[{"externalId":"d-1","amount":12345678901234567890.5},{"externalId":"d-2","amount":7}]}}',
    });
    assert.equal(write.status, 200, write.text);
    assert.equal(write.body.tap, 'api');
    assert.equal(write.body.target, 'csv');
    const writeJob = await h.waitForJob('bidi', 'acme', write.body.job_id);
    assert.equal(writeJob.status, 'JOB_COMPLETED', writeJob.error);
    assert.deepEqual(writeJob.metrics.recordCount, { Deals: 2 });
    const deals = await fs.readFile(path.join(tenantDir, 'Deals.csv'), 'utf8');
    assert.match(deals, /d-1,12345678901234567890\.5/);
    // a write job never moves the link's read state
    const state = await h.api('GET', `/v2/${h.envId}/bidi/acme/linkedConnectors/state`);
    assert.equal(state.status, 200);
    assert.equal(JSON.stringify(state.body).includes('Deals'), false);
  });

  test('v1 target flow: a write job (tap "api") exports into the tenant\'s linked target', async () => {
    const tenantDir = await h.tmp('tenant-target');
    const flow = await h.api('PUT', `/${h.envId}/flows/writer`, { name: 'writer', type: 'v1-target', connectors: ['jsonl'] });
    assert.equal(flow.status, 200, flow.text);
    const link = await h.api('POST', `/${h.envId}/writer/w1/linkedTargets`, { target: { target: 'jsonl', config: { path: tenantDir } } });
    assert.equal(link.status, 200, link.text);
    const job = await h.api('POST', `/${h.envId}/writer/w1/jobs`, {
      tap: 'api',
      state: { Contacts: [{ externalId: 'c1', email: 'a@b.c' }] },
    });
    assert.equal(job.status, 200, job.text);
    const done = await h.waitForJob('writer', 'w1', job.body.job_id);
    assert.equal(done.status, 'JOB_COMPLETED', done.error);
    assert.equal(done.job_type, 'write');
    assert.equal(await fs.readFile(path.join(tenantDir, 'Contacts.jsonl'), 'utf8'), '{"externalId":"c1","email":"a@b.c"}\n');
    const wrongTap = await h.api('POST', `/${h.envId}/writer/w1/jobs`, { tap: 'csv', state: {} });
    assert.equal(wrongTap.status, 400);
  });

  test('v1 source flow with tap "api": records in state go to the flow target', async () => {
    const warehouse = await h.tmp('wh');
    await h.api('PUT', `/${h.envId}/flows/push`, {
      name: 'push',
      type: 'v1-source',
      connectors: ['csv'],
      target: { connector: 'jsonl', config: { path: warehouse } },
    });
    const job = await h.api('POST', `/${h.envId}/push/p1/jobs`, { tap: 'api', state: { Events: [{ id: 1 }, { id: 2 }, { id: 3 }] } });
    assert.equal(job.status, 200, job.text);
    const done = await h.waitForJob('push', 'p1', job.body.job_id);
    assert.equal(done.status, 'JOB_COMPLETED', done.error);
    assert.deepEqual(done.metrics.recordCount, { Events: 3 });
    assert.equal((await fs.readFile(path.join(warehouse, 'Events.jsonl'), 'utf8')).trim().split('\n').length, 3);
  });
});

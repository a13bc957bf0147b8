import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FakeCollectionApi } from '../fakes/fake-collection-api.js';
import { FakeHubspot } from '../fakes/fake-hubspot.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';

const ETL = fileURLToPath(new URL('../fixtures/etl/', import.meta.url));

/**
 * The external-id upsert of write jobs through the record-id map, driven through the HTTP API:
 * a second write of an external id updates the remote record it created, an unchanged one is not
 * sent again (existing), duplicates inside one job never create twice.
 */
describe('write jobs: external ids through the record-id map', () => {
  let h: Harness;
  let api: FakeCollectionApi;
  let apiUrl: string;
  let hubspot: FakeHubspot;
  let hubspotUrl: string;
  before(async () => {
    h = await startHarness();
    api = new FakeCollectionApi('tok-ext');
    apiUrl = await api.server.start();
    hubspot = new FakeHubspot('hs-token');
    hubspotUrl = await hubspot.server.start();
  });
  after(async () => {
    await api.server.stop();
    await hubspot.server.stop();
    await h.stop();
  });

  const flowWithHttp = async (
    flow: string,
    tenant: string,
    config: Record<string, unknown> = {},
    flowExtra: Record<string, unknown> = {},
  ) => {
    const put = await h.api('PUT', `/${h.envId}/flows/${flow}`, { name: flow, type: 'v1-target', connectors: ['http'], ...flowExtra });
    assert.equal(put.status, 200, put.text);
    const link = await h.api('POST', `/${h.envId}/${flow}/${tenant}/linkedTargets`, {
      target: {
        target: 'http',
        config: { url: `${apiUrl}/items`, headers: { Authorization: 'Bearer tok-ext' }, max_attempts: 1, ...config },
      },
    });
    assert.equal(link.status, 200, link.text);
  };
  const write = async (flow: string, tenant: string, state: Record<string, unknown>) => {
    const job = await h.api('POST', `/${h.envId}/${flow}/${tenant}/jobs`, { tap: 'api', state });
    assert.equal(job.status, 200, job.text);
    return h.waitForJob(flow, tenant, job.body.job_id, { timeoutMs: 60_000 });
  };
  const map = (tenant: string, flow: string, stream: string) => ({ env_id: h.envId, tenant, flow_id: flow, stream });
  const itemOf = (done: any, externalId: string) =>
    api.items.get(done.state.bookmarks.Contacts.find((r: any) => r.externalId === externalId).id);

  test('a second write of an external id updates its remote record; an unchanged one counts as existing and is not sent', async () => {
    await flowWithHttp('ext-http', 't1');
    const first = await write('ext-http', 't1', {
      Contacts: [
        { externalId: 'c1', name: 'Ann' },
        { externalId: 'c2', name: 'Bob' },
      ],
    });
    assert.equal(first.status, 'JOB_COMPLETED', first.error);
    assert.deepEqual(first.state.summary, { Contacts: { success: 2, fail: 0, existing: 0, updated: 0 } });
    const c1 = first.state.bookmarks.Contacts.find((r: any) => r.externalId === 'c1').id;
    const entries = await h.sinew.services.store.recordIds.lookup(map('t1', 'ext-http', 'Contacts'), ['c1', 'c2']);
    assert.equal(entries.get('c1')?.remote_id, c1);
    assert.equal(entries.get('c1')?.created_job_id, first.job_id);
    assert.deepEqual(entries.get('c1')?.custom_data, { job_id: first.job_id });
    const itemsBefore = api.items.size;
    const posts = api.server.count('POST', '/items');
    const patches = api.server.count('PATCH', '/items/');

    const second = await write('ext-http', 't1', {
      Contacts: [
        { externalId: 'c1', name: 'Ann B.' },
        { externalId: 'c2', name: 'Bob' },
        { externalId: 'c3', name: 'Cy' },
      ],
    });
    assert.equal(second.status, 'JOB_COMPLETED', second.error);
    assert.deepEqual(second.state.summary, { Contacts: { success: 3, fail: 0, existing: 1, updated: 1 } });
    assert.equal(api.items.size, itemsBefore + 1, 'only c3 was created');
    assert.equal(api.server.count('POST', '/items') - posts, 1);
    assert.equal(api.server.count('PATCH', '/items/') - patches, 1, 'c1 updated; c2 unchanged, so not sent');
    const results = Object.fromEntries(second.state.bookmarks.Contacts.map((r: any) => [r.externalId, r]));
    assert.equal(results.c1.id, c1);
    assert.equal(results.c1.updated, true);
    assert.equal(api.items.get(c1)?.name, 'Ann B.');
    assert.equal(results.c2.existing, true);
    assert.equal(results.c2.id, first.state.bookmarks.Contacts.find((r: any) => r.externalId === 'c2').id);
    // What the target received carried no Sinew field.
    assert.ok(![...api.items.values()].some((item) => Object.keys(item).some((k) => k.startsWith('__sinew'))));
    const export2 = await h.api('GET', `/${h.envId}/ext-http/t1/jobs/${second.job_id}/export?status=success`);
    assert.equal(export2.body.results.length, 3);
  });

  test('the same external id twice in one job: created once, then updated; an identical repeat is existing', async () => {
    await flowWithHttp('ext-dupes', 't1', { batch_url: '{url}/batch', batch_size: 50 });
    const done = await write('ext-dupes', 't1', {
      Contacts: [
        { externalId: 'd1', name: 'v1' },
        { externalId: 'd2', name: 'other' },
        { externalId: 'd1', name: 'v2' },
        { externalId: 'd1', name: 'v2' },
      ],
    });
    assert.equal(done.status, 'JOB_COMPLETED', done.error);
    assert.deepEqual(done.state.summary, { Contacts: { success: 4, fail: 0, existing: 1, updated: 1 } });
    const d1 = done.state.bookmarks.Contacts.filter((r: any) => r.externalId === 'd1');
    assert.equal(d1.length, 3);
    assert.equal(new Set(d1.map((r: any) => r.id)).size, 1, 'one remote record for d1');
    assert.equal(itemOf(done, 'd1')?.name, 'v2');
    const d1Items = [...api.items.values()].filter((item) => item.externalId === 'd1');
    assert.equal(d1Items.length, 1);
  });

  test('hubspot: creates, then updates the same contact by the id the map kept', async () => {
    await h.api('PUT', `/${h.envId}/flows/ext-hs`, { name: 'ext-hs', type: 'v1-target', connectors: ['hubspot'] });
    const link = await h.api('POST', `/${h.envId}/ext-hs/acme/linkedTargets`, {
      target: { target: 'hubspot', config: { access_token: 'hs-token', base_url: hubspotUrl } },
    });
    assert.equal(link.status, 200, link.text);
    const first = await write('ext-hs', 'acme', { contacts: [{ externalId: 'u-1', email: 'ann@example.com', firstname: 'Ann' }] });
    assert.equal(first.status, 'JOB_COMPLETED', first.error);
    const id = first.state.bookmarks.contacts[0].id;
    const second = await write('ext-hs', 'acme', { contacts: [{ externalId: 'u-1', email: 'ann@example.com', firstname: 'Annie' }] });
    assert.equal(second.status, 'JOB_COMPLETED', second.error);
    assert.deepEqual(second.state.summary, { contacts: { success: 1, fail: 0, existing: 0, updated: 1 } });
    assert.equal(second.state.bookmarks.contacts[0].id, id);
    const contacts = hubspot.objects.get('contacts')!;
    assert.equal(contacts.size, 1);
    assert.equal(contacts.get(id)?.firstname, 'Annie');
    assert.equal(hubspot.server.count('POST', '/crm/v3/objects/contacts/batch/update'), 1);
  });

  test("save record ids in snapshots: the map as {Stream}_{flow}.snapshot.csv, which the next job's ETL reads", async () => {
    await flowWithHttp(
      'ext-snap',
      'snapper',
      {},
      {
        job_settings: { save_record_ids_in_snapshots: true },
        etl: { script: path.join(ETL, 'count-known-ids.ts') },
      },
    );
    const first = await write('ext-snap', 'snapper', {
      Contacts: [{ externalId: 's1', name: 'A' }, { externalId: 's2', name: 'B' }, { name: 'no external id' }],
    });
    assert.equal(first.status, 'JOB_COMPLETED', first.error);
    const file = path.join(h.dataDir, 'storage', h.envId, 'snapper', 'snapshots', 'Contacts_ext-snap.snapshot.csv');
    const csv = (await fs.readFile(file, 'utf8')).trim().split('\n');
    assert.equal(csv[0], 'InputId,RemoteId,CustomData');
    assert.equal(csv.length, 3, 'a row per external id (the record without one has none)');
    const s1 = first.state.bookmarks.Contacts.find((r: any) => r.externalId === 's1');
    assert.ok(csv.includes(`s1,${s1.id},"{""job_id"":""${first.job_id}""}"`), csv.join('\n'));
    assert.equal(itemOf(first, 's1')?.known_ids, 0, 'no snapshot before the first job');

    const second = await write('ext-snap', 'snapper', { Contacts: [{ externalId: 's3', name: 'C' }] });
    assert.equal(second.status, 'JOB_COMPLETED', second.error);
    assert.equal(itemOf(second, 's3')?.known_ids, 2, 'the ETL read the file the first job saved');
    assert.equal((await fs.readFile(file, 'utf8')).trim().split('\n').length, 4);
    const listed = await h.api('GET', `/tenant/${h.envId}/snapper/snapshots`);
    assert.equal(listed.status, 200, listed.text);
  });

  test('roll back on failure: what the failed job created is deleted, what it updated is listed as not undone', async () => {
    await flowWithHttp(
      'ext-rb',
      'rb',
      { batch_url: '{url}/batch', batch_size: 2, concurrency: 1 },
      { job_settings: { rollback_on_failure: true } },
    );
    const before = await write('ext-rb', 'rb', { Contacts: [{ externalId: 'u1', name: 'kept' }] });
    assert.equal(before.status, 'JOB_COMPLETED', before.error);
    const u1 = before.state.bookmarks.Contacts[0].id;

    const failed = await write('ext-rb', 'rb', {
      Contacts: [
        { externalId: 'u1', name: 'changed' },
        { externalId: 'n1', name: 'new one' },
        { externalId: 'n2', name: 'new two' },
        { externalId: 'n3', name: 'REVOKED' },
      ],
    });
    assert.equal(failed.status, 'EXPORT_FAILED');
    assert.match(failed.error, /refused the credentials/);
    assert.match(failed.message, /rolled back: 1 record\(s\) this job created were deleted, 1 could not be undone/);
    assert.deepEqual(failed.state.rollback, { Contacts: { deleted: 1, failed: 1 } });
    assert.deepEqual(failed.state.summary, { Contacts: { success: 2, fail: 0, existing: 0, updated: 1, not_sent: 2 } });
    const remote = [...api.items.values()].filter((item) => ['u1', 'n1', 'n2', 'n3'].includes(String(item.externalId)));
    assert.deepEqual(
      remote.map((item) => [item.externalId, item.name]),
      [['u1', 'changed']],
      'n1 deleted again; n2, n3 never written',
    );
    const entries = await h.sinew.services.store.recordIds.lookup(map('rb', 'ext-rb', 'Contacts'), ['u1', 'n1']);
    assert.deepEqual([...entries.keys()], ['u1'], "n1's map entry went with its remote record");
    assert.equal(entries.get('u1')?.remote_id, u1);

    const rolled = await h.api('GET', `/${h.envId}/ext-rb/rb/jobs/${failed.job_id}/export?phase=rollback`);
    assert.equal(rolled.status, 200, rolled.text);
    assert.deepEqual(rolled.body.rollback, { Contacts: { deleted: 1, failed: 1 } });
    const byId = Object.fromEntries(rolled.body.results.map((r: any) => [r.externalId, r]));
    assert.equal(byId.n1.success, true);
    assert.equal(byId.n1.deleted, true);
    assert.equal(byId.u1.success, false);
    assert.match(byId.u1.error, /cannot be undone/);
    const written = await h.api('GET', `/${h.envId}/ext-rb/rb/jobs/${failed.job_id}/export`);
    assert.deepEqual(written.body.results.map((r: any) => r.externalId).sort(), ['n1', 'u1'], 'the write phase lists what the job wrote');
  });

  test('roll back on failure also when the job process is stopped (time limit): a rollback process deletes what it created', async () => {
    await flowWithHttp(
      'ext-rb2',
      'rb2',
      { batch_url: '{url}/batch', batch_size: 2, concurrency: 1, timeout_ms: 120_000 },
      {
        job_settings: { rollback_on_failure: true, job_timeout_seconds: 6 },
      },
    );
    const failed = await write('ext-rb2', 'rb2', {
      Contacts: [
        { externalId: 'k1', name: 'one' },
        { externalId: 'k2', name: 'two' },
        { externalId: 'k3', name: 'HANG' },
        { externalId: 'k4', name: 'four' },
      ],
    });
    assert.equal(failed.status, 'EXPORT_FAILED');
    assert.match(failed.error, /longer than its limit/);
    assert.match(failed.message, /rolled back: 2 record\(s\) this job created were deleted/);
    assert.deepEqual(failed.state.rollback, { Contacts: { deleted: 2, failed: 0 } });
    assert.deepEqual(failed.state.summary, { Contacts: { success: 2, fail: 0, existing: 0, updated: 0 } });
    assert.deepEqual(
      [...api.items.values()].filter((i) => String(i.externalId).startsWith('k')),
      [],
      'k1 and k2 deleted again',
    );
    const entries = await h.sinew.services.store.recordIds.lookup(map('rb2', 'ext-rb2', 'Contacts'), ['k1', 'k2']);
    assert.equal(entries.size, 0);
  });
});

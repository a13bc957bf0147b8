import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { job } from '../store/store-fixtures.js';
import { filesUnder } from '../support/files-under.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { AttackTally } from './attack-tally.js';
import { tenantFolder, useFilesRoot } from './files-root.js';
import { assertError, tenantCaller } from './tenant-caller.js';

const ETL = fileURLToPath(new URL('../fixtures/etl/', import.meta.url));

/**
 * Issue #12, item 9: a deleted tenant leaves nothing behind — no snapshots, job files, job history,
 * record-id map or files in its folder under files.root that a tenant created later under the same
 * id would inherit.
 */
describe('deleting a tenant erases what it left', () => {
  let h: Harness;
  let storageDir: string;
  let root: string;
  const flow = 'erase';
  const writer = 'writer';
  const scope = (tenant: string) => ({ env_id: h.envId, tenant, flow_id: flow, stream: 'customers' });

  const linkAndRun = async (tenant: string): Promise<any> => {
    const dir = await h.tmp(`source-${tenant}`);
    await fs.writeFile(path.join(dir, 'customers.csv'), 'id,name\n1,Ann\n2,Bob\n');
    const linked = await h.api('POST', `/${h.envId}/${flow}/${tenant}/linkedSources`, { source: { tap: 'csv', config: { path: dir } } });
    assert.equal(linked.status, 200, linked.text);
    await h.api('PUT', `/tenant/${h.envId}/${tenant}/config`, { currency: 'EUR' });
    const started = await h.api('POST', `/${h.envId}/${flow}/${tenant}/jobs`, {});
    assert.equal(started.status, 200, started.text);
    const ended = await h.waitForJob(flow, tenant, started.body.job_id);
    assert.equal(ended.status, 'JOB_COMPLETED', ended.error);
    return ended;
  };
  const snapshotNames = async (tenant: string): Promise<string[] | number> => {
    const r = await h.api('GET', `/tenant/${h.envId}/${tenant}/snapshots`);
    return r.status === 200 ? r.body.map((s: { name: string }) => s.name) : r.status;
  };
  const jobIds = async (tenant: string): Promise<string[]> =>
    (await h.api('GET', `/${h.envId}/${flow}/${tenant}/jobs`)).body.map((j: { job_id: string }) => j.job_id);

  /** Links `tenant`'s jsonl target to `out` in its own folder, as the tenant, and writes `ids` through it. */
  const writeAsTenant = async (tenant: string, ids: number[]): Promise<void> => {
    const { api } = await tenantCaller(h, tenant);
    const link = await api('POST', `/${h.envId}/${writer}/${tenant}/linkedTargets`, {
      target: { target: 'jsonl', config: { path: 'out' } },
    });
    assert.equal(link.status, 200, link.text);
    const started = await api('POST', `/${h.envId}/${writer}/${tenant}/jobs`, {
      tap: 'api',
      state: { Contacts: ids.map((id) => ({ id })) },
    });
    assert.equal(started.status, 200, started.text);
    const ended = await h.waitForJob(writer, tenant, started.body.job_id);
    assert.equal(ended.status, 'JOB_COMPLETED', ended.error);
  };
  const contactIds = async (tenant: string): Promise<number[]> =>
    (await fs.readFile(path.join(root, 'tenants', tenant, 'out', 'Contacts.jsonl'), 'utf8'))
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l).id);

  before(async () => {
    h = await startHarness();
    storageDir = path.join(h.dataDir, 'storage', h.envId);
    root = await useFilesRoot(h);
    const writerFlow = await h.api('PUT', `/${h.envId}/flows/${writer}`, { name: writer, type: 'v1-target', connectors: ['jsonl'] });
    assert.equal(writerFlow.status, 200, writerFlow.text);
    const put = await h.api('PUT', `/${h.envId}/flows/${flow}`, {
      name: flow,
      type: 'v1-source',
      connectors: ['csv'],
      target: { connector: 'jsonl', config: { path: await h.tmp('warehouse') } },
      etl: { script: path.join(ETL, 'enrich-customers.ts') },
    });
    assert.equal(put.status, 200, put.text);
  });
  after(() => h.stop());

  test('snapshots, job files, job history, record ids and schedules go; another tenant keeps all of its own', async (t) => {
    const tally = new AttackTally();
    for (const tenant of ['acme', 'other']) {
      await linkAndRun(tenant);
      await h.sinew.services.store.recordIds.upsertMany(scope(tenant), [{ input_id: 'in-1', remote_id: `remote-of-${tenant}` }]);
      const schedule = await h.api('PUT', `/${h.envId}/${flow}/${tenant}/jobs/schedule`, { schedule_expression: 'cron(0 2 * * *)' });
      assert.equal(schedule.status, 200, schedule.text);
    }
    assert.deepEqual(await snapshotNames('acme'), ['customers']);
    assert.ok((await filesUnder(path.join(storageDir, 'acme'))).length > 0, 'the job left files');
    const token = (await tenantCaller(h, 'acme')).api;

    const del = await h.api('DELETE', `/tenant/${h.envId}/acme`);
    assert.equal(del.status, 204, del.text);

    await assert.rejects(fs.access(path.join(storageDir, 'acme')), 'no file of the tenant is left');
    assert.equal(await snapshotNames('acme'), 404);
    assert.deepEqual(await jobIds('acme'), []);
    assert.equal(await h.sinew.services.store.recordIds.count(scope('acme')), 0);
    assert.equal((await h.api('GET', `/${h.envId}/${flow}/acme/jobs/schedule`)).status, 404);
    tally.refusal(await token('GET', `/${h.envId}/${flow}/acme/jobs`), 401, 'UNAUTHORIZED');

    // The other tenant is untouched.
    assert.deepEqual(await snapshotNames('other'), ['customers']);
    assert.equal((await jobIds('other')).length, 1);
    assert.equal(await h.sinew.services.store.recordIds.count(scope('other')), 1);
    assert.ok((await filesUnder(path.join(storageDir, 'other'))).length > 0);

    // A tenant created later under the same id starts empty.
    const again = await linkAndRun('acme');
    assert.deepEqual(await jobIds('acme'), [again.job_id]);
    assert.equal(await h.sinew.services.store.recordIds.count(scope('acme')), 0);
    const snapshot = await h.api('GET', `/tenant/${h.envId}/acme/snapshots/customers`);
    assert.deepEqual(
      snapshot.text
        .trim()
        .split('\n')
        .map((l: string) => JSON.parse(l).id),
      [1, 2],
      'only the new job’s records',
    );
    tally.report(t, "item 9: a deleted tenant's token; what a tenant made again under its id inherits");
  });

  test('a tenant with a job that has not ended is refused with 409 naming it, and loses nothing', async () => {
    await linkAndRun('busy');
    const running = job({
      job_id: 'job-still-running',
      env_id: h.envId,
      tenant: 'busy',
      flow_id: flow,
      status: 'SYNC_STARTED',
      link_connector: 'csv',
    });
    await h.sinew.services.store.jobs.insert(running);
    const refused = await h.api('DELETE', `/tenant/${h.envId}/busy`);
    assertError(refused, 409, 'CONFLICT');
    assert.deepEqual(refused.body.error.details.active_jobs, ['job-still-running']);
    assert.deepEqual(await snapshotNames('busy'), ['customers']);
    assert.equal((await h.api('GET', `/${h.envId}/${flow}/busy/linkedSources`)).body.length, 1);
  });

  test('files left by an interrupted delete are removed by a second DELETE; then the tenant is 404', async () => {
    await linkAndRun('half');
    // As if the first DELETE had removed the rows and then failed on the files.
    await h.sinew.services.store.transaction(async (tx) => {
      await tx.tenants.delete(h.envId, 'half');
      await tx.tenantErasure.eraseHistory(h.envId, 'half');
    });
    assert.ok((await filesUnder(path.join(storageDir, 'half'))).length > 0);
    assert.equal((await h.api('DELETE', `/tenant/${h.envId}/half`)).status, 204);
    await assert.rejects(fs.access(path.join(storageDir, 'half')));
    assertError(await h.api('DELETE', `/tenant/${h.envId}/half`), 404, 'NOT_FOUND');
  });

  test('its folder under files.root goes with it: a tenant made again under its id finds none of its files', async () => {
    await writeAsTenant('scribe', [1, 2]);
    assert.deepEqual(await contactIds('scribe'), [1, 2]);
    const bystander = await tenantFolder(root, 'bystander', 'out', { 'Contacts.jsonl': '{"id":9}\n' });

    const del = await h.api('DELETE', `/tenant/${h.envId}/scribe`);
    assert.equal(del.status, 204, del.text);
    await assert.rejects(fs.lstat(path.join(root, 'tenants', 'scribe')), "the tenant's folder is gone");
    assert.deepEqual(await contactIds('bystander'), [9], "another tenant's folder is untouched");
    assert.ok((await fs.readdir(bystander)).length > 0);

    // Its old path names nothing now (a source's folder must exist), and its target starts empty.
    const { api } = await tenantCaller(h, 'scribe');
    const source = await api('POST', `/${h.envId}/${flow}/scribe/linkedSources`, { source: { tap: 'csv', config: { path: 'out' } } });
    assertError(source, 400, 'VALIDATION_FAILED');
    assert.match(source.body.error.message, /tenant's own files folder/);
    await writeAsTenant('scribe', [3]);
    assert.deepEqual(await contactIds('scribe'), [3], 'only the new tenant’s record, nothing appended to the old file');
  });

  test("a symlink in a tenant's place under files.root is removed, never followed", async (t) => {
    const tally = new AttackTally();
    const outside = await h.tmp('outside-root');
    await fs.writeFile(path.join(outside, 'keep.txt'), 'not a tenant file');
    const neighbour = await tenantFolder(root, 'neighbour', 'data', { 'keep.csv': 'id\n1\n' });
    const outsideSurvives = async () => (await fs.readFile(path.join(outside, 'keep.txt'), 'utf8')) === 'not a tenant file';
    const neighbourSurvives = async () => (await fs.readdir(neighbour)).join() === 'keep.csv';
    const planted = [
      { tenant: 'planted', target: outside, survives: outsideSurvives },
      { tenant: 'pointer', target: path.join(root, 'tenants', 'neighbour'), survives: neighbourSurvives },
    ];
    for (const { tenant, target, survives } of planted) {
      assert.equal((await h.api('PUT', `/tenant/${h.envId}/${tenant}/config`, {})).status, 200);
      await fs.symlink(target, path.join(root, 'tenants', tenant));
      const del = await h.api('DELETE', `/tenant/${h.envId}/${tenant}`);
      assert.equal(del.status, 204, del.text);
      assert.ok(tally.attack(await survives()), `${tenant}: the symlink's target survives`);
      await assert.rejects(fs.lstat(path.join(root, 'tenants', tenant)), 'the link itself is gone');
    }
    tally.report(t, "item 9: deleting a tenant whose folder is a symlink to outside or to another tenant's");
  });

  test('with files.root/tenants leading out of the root, a tenant with a folder there is refused with 409 and loses nothing', async () => {
    const elsewhere = await h.tmp('tenants-elsewhere');
    await fs.mkdir(path.join(elsewhere, 'moved'));
    await fs.writeFile(path.join(elsewhere, 'moved', 'keep.txt'), 'kept');
    const otherRoot = await fs.realpath(await h.tmp('other-root'));
    await fs.symlink(elsewhere, path.join(otherRoot, 'tenants'));
    assert.equal((await h.api('PUT', `/${h.envId}/settings`, { files: { root: otherRoot } })).status, 200);
    try {
      assert.equal((await h.api('PUT', `/tenant/${h.envId}/moved/config`, { kept: true })).status, 200);
      assertError(await h.api('DELETE', `/tenant/${h.envId}/moved`), 409, 'CONFLICT');
      assert.equal(await fs.readFile(path.join(elsewhere, 'moved', 'keep.txt'), 'utf8'), 'kept');
      assert.deepEqual((await h.api('GET', `/tenant/${h.envId}/moved/config`)).body, { kept: true });
    } finally {
      assert.equal((await h.api('PUT', `/${h.envId}/settings`, { files: { root } })).status, 200);
    }
  });

  test('an id that is not a tenant id never names a storage prefix', async (t) => {
    const tally = new AttackTally();
    await linkAndRun('victim');
    for (const id of ['victim%2Fsnapshots', '..', '.hidden', 'victim%2F..%2Fvictim']) {
      const r = await h.api('DELETE', `/tenant/${h.envId}/${id}`);
      tally.attack(r.status === 400 || r.status === 404);
      assert.ok(r.status === 400 || r.status === 404, `${id}: ${r.status} ${r.text}`);
    }
    assert.deepEqual(await snapshotNames('victim'), ['customers']);
    tally.report(t, 'item 9/10: deleting another tenant through a bad id');
  });
});

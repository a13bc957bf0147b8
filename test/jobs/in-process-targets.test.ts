import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FakeCollectionApi } from '../fakes/fake-collection-api.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';

/**
 * A job's built-in write target runs inside the job process (src/jobs/process/in-process-target.ts).
 * What a Singer child would do, it must do too: take its input streamed, report the records it
 * wrote before a write became impossible, fail the export (not the sync) with its own message, and
 * leave what it logged in logs/target.log — in phased and in streaming jobs alike.
 */
describe('built-in write targets inside the job process', () => {
  let h: Harness;
  let api: FakeCollectionApi;
  let apiUrl: string;
  before(async () => {
    h = await startHarness();
    api = new FakeCollectionApi('tok-inproc');
    apiUrl = await api.server.start();
  });
  after(async () => {
    await api.server.stop();
    await h.stop();
  });

  const flow = async (id: string, tenant: string) => {
    assert.equal((await h.api('PUT', `/${h.envId}/flows/${id}`, { name: id, type: 'v1-target', connectors: ['http'] })).status, 200);
    const link = await h.api('POST', `/${h.envId}/${id}/${tenant}/linkedTargets`, {
      target: {
        target: 'http',
        config: {
          url: `${apiUrl}/items`,
          headers: { Authorization: 'Bearer tok-inproc' },
          max_attempts: 1,
          batch_url: '{url}/batch',
          batch_size: 50,
          concurrency: 1,
        },
      },
    });
    assert.equal(link.status, 200, link.text);
  };
  const write = async (id: string, tenant: string, contacts: unknown[], streaming: boolean) => {
    const job = await h.api('POST', `/${h.envId}/${id}/${tenant}/jobs`, {
      tap: 'api',
      state: { Contacts: contacts },
      streaming_job: streaming,
    });
    assert.equal(job.status, 200, job.text);
    return h.waitForJob(id, tenant, job.body.job_id, { timeoutMs: 60_000 });
  };
  const targetLog = (job: any) => fs.readFile(path.join(h.dataDir, 'storage', h.envId, job.s3_root, 'logs/target.log'), 'utf8');
  const contacts = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ externalId: `${prefix}${i}`, name: `Name ${i}` }));

  for (const streaming of [false, true]) {
    const kind = streaming ? 'streaming' : 'phased';
    test(`${kind}: 1,000 records in batches, duplicates of one id held for a next round, every result in the export details`, async () => {
      const id = `inproc-ok-${kind}`;
      await flow(id, 't');
      const records = [...contacts(1000, `${kind}-`), { externalId: `${kind}-7`, name: 'second version' }];
      const job = await write(id, 't', records, streaming);
      assert.equal(job.streaming_job, streaming);
      assert.equal(job.status, 'JOB_COMPLETED', job.error);
      assert.deepEqual(job.state.summary, { Contacts: { success: 1001, fail: 0, existing: 0, updated: 1 } });
      const remote = [...api.items.values()].filter((item) => String(item.externalId).startsWith(`${kind}-`));
      assert.equal(remote.length, 1000, 'the duplicate updated the record its first version created');
      assert.equal(remote.find((item) => item.externalId === `${kind}-7`)?.name, 'second version');
      const pages = await Promise.all(
        [0, 1000].map((offset) => h.api('GET', `/${h.envId}/${id}/t/jobs/${job.job_id}/export?limit=1000&offset=${offset}`)),
      );
      for (const page of pages) assert.equal(page.status, 200, page.text);
      assert.deepEqual(
        pages.map((page) => page.body.results.length),
        [1000, 1],
      );
    });

    test(`${kind}: a write that becomes impossible halfway fails the export with the target's message; what it wrote is reported`, async () => {
      const id = `inproc-revoked-${kind}`;
      await flow(id, 't');
      // Batches of 50: the first two are written, the third holds REVOKED (401), the rest never go.
      const records = contacts(300, `${kind}-r`).map((r, i) => (i === 120 ? { ...r, name: 'REVOKED' } : r));
      const job = await write(id, 't', records, streaming);
      assert.equal(job.streaming_job, streaming);
      assert.equal(job.status, 'EXPORT_FAILED', `${job.status}: ${job.error}`);
      assert.match(job.error, /^target-http failed: .*refused the credentials/);
      // The 200 records never sent are counted: an export cut short does not read as complete.
      assert.deepEqual(job.state.summary, { Contacts: { success: 100, fail: 0, existing: 0, updated: 0, not_sent: 200 } });
      const page = await h.api('GET', `/${h.envId}/${id}/t/jobs/${job.job_id}/export?limit=1`);
      assert.deepEqual(page.body.summary, { Contacts: { success: 100, fail: 0, existing: 0, updated: 0, not_sent: 200 } });
      assert.equal([...api.items.values()].filter((item) => String(item.externalId).startsWith(`${kind}-r`)).length, 100);
      assert.match(await targetLog(job), /refused the credentials/);
      const entries = await h.sinew.services.store.recordIds.lookup({ env_id: h.envId, tenant: 't', flow_id: id, stream: 'Contacts' }, [
        `${kind}-r0`,
        `${kind}-r99`,
        `${kind}-r100`,
      ]);
      assert.deepEqual([...entries.keys()].sort(), [`${kind}-r0`, `${kind}-r99`], 'the map holds what was written, and only that');
    });
  }
});

import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readLines } from '../../src/singer/line-reader.js';
import { readExportDetails } from '../../src/writes/export-details-page.js';
import { WriteResultCollector } from '../../src/writes/write-result-collector.js';
import { FakeCollectionApi } from '../fakes/fake-collection-api.js';
import { at } from '../support/elements.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';

/** A Singer target of our own: reads every record, prints one result state per record, the second one failed. */
const RESULT_TARGET = `
import readline from 'node:readline';
let n = 0;
console.log('a log line that is not a state');
for await (const line of readline.createInterface({ input: process.stdin })) {
  const m = JSON.parse(line);
  if (m.type !== 'RECORD') continue;
  n++;
  const ok = n !== 2;
  const result = { hash: 'h' + n, success: ok, id: ok ? 900000000000000000001 + '' : null, externalId: m.record.externalId, error: ok ? null : 'remote says no: ' + m.record.externalId, updated: n === 3 };
  console.log(JSON.stringify({ type: 'STATE', value: { bookmarks: { [m.stream]: [result] }, summary: {} } }));
}
console.log(JSON.stringify({ bookmarks: { Other: { replication_key_value: 5 } } }));
`;

describe('write jobs: per-record results in the job state and the export details', () => {
  let h: Harness;
  let api: FakeCollectionApi;
  let apiUrl: string;
  before(async () => {
    h = await startHarness();
    api = new FakeCollectionApi('tok-results');
    apiUrl = await api.server.start();
  });
  after(async () => {
    await api.server.stop();
    await h.stop();
  });

  test('an http write job: one bad record fails alone; summary in state; export pages and filters', async () => {
    const flow = await h.api('PUT', `/${h.envId}/flows/wr-http`, { name: 'wr-http', type: 'v1-target', connectors: ['http'] });
    assert.equal(flow.status, 200, flow.text);
    const link = await h.api('POST', `/${h.envId}/wr-http/t1/linkedTargets`, {
      target: { target: 'http', config: { url: `${apiUrl}/items`, headers: { Authorization: 'Bearer tok-results' }, max_attempts: 1 } },
    });
    assert.equal(link.status, 200, link.text);
    const records = [
      { externalId: 'c1', name: 'Ann' },
      { externalId: 'c2', name: 'Bob' },
      { externalId: 'c3' }, // no name: the collection answers 422
      { externalId: 'c4', name: 'Dee' },
    ];
    const job = await h.api('POST', `/${h.envId}/wr-http/t1/jobs`, { tap: 'api', state: { Contacts: records } });
    assert.equal(job.status, 200, job.text);
    const done = await h.waitForJob('wr-http', 't1', job.body.job_id, { timeoutMs: 60_000 });
    assert.equal(done.status, 'JOB_COMPLETED', done.error);
    assert.deepEqual(done.state.summary, { Contacts: { success: 3, fail: 1, existing: 0, updated: 0 } });
    assert.equal(done.state.bookmarks.Contacts.length, 4);
    assert.equal(api.items.size, 3);

    const base = `/${h.envId}/wr-http/t1/jobs/${job.body.job_id}/export`;
    const failed = await h.api('GET', `${base}?status=failure`);
    assert.equal(failed.status, 200, failed.text);
    assert.deepEqual(failed.body.summary, done.state.summary);
    assert.equal(failed.body.results.length, 1);
    assert.equal(failed.body.results[0].externalId, 'c3');
    assert.equal(failed.body.results[0].success, false);
    assert.match(failed.body.results[0].error, /422/);
    assert.match(failed.body.results[0].error, /name is required/);
    assert.equal(failed.body.next_offset, null);

    const page1 = await h.api('GET', `/v2${base}?status=success&limit=2`);
    assert.equal(page1.status, 200, page1.text);
    assert.equal(page1.body.results.length, 2);
    assert.equal(page1.body.next_offset, 2);
    const page2 = await h.api('GET', `${base}?status=success&limit=2&offset=2`);
    assert.equal(page2.body.results.length, 1);
    assert.equal(page2.body.next_offset, null);
    const ok = [...page1.body.results, ...page2.body.results];
    assert.deepEqual(ok.map((r: any) => r.externalId).sort(), ['c1', 'c2', 'c4']);
    for (const r of ok) {
      assert.equal(r.stream, 'Contacts');
      assert.ok(api.items.has(r.id), `remote id ${r.id} exists`);
      assert.match(r.hash, /^[0-9a-f]{64}$/);
    }
    const all = await h.api('GET', base);
    assert.equal(all.body.results.length, 4);

    const otherTenant = await h.api('GET', `/${h.envId}/wr-http/t2/jobs/${job.body.job_id}/export`);
    assert.equal(otherTenant.status, 404);
    const badStatus = await h.api('GET', `${base}?status=maybe`);
    assert.equal(badStatus.status, 400);
  });

  test("a write job's records that are not arrays of objects are a 400 naming the stream, and no job is made", async () => {
    assert.equal((await h.api('PUT', `/${h.envId}/flows/wr-bad`, { name: 'wr-bad', type: 'v1-target', connectors: ['http'] })).status, 200);
    const link = await h.api('POST', `/${h.envId}/wr-bad/t1/linkedTargets`, {
      target: { target: 'http', config: { url: `${apiUrl}/items`, max_attempts: 1 } },
    });
    assert.equal(link.status, 200, link.text);
    const cases: Array<[Record<string, unknown>, RegExp, Record<string, unknown>]> = [
      [{ Contacts: 'notalist' }, /state\.Contacts must be an array of records/, { stream: 'Contacts' }],
      [{ Contacts: [{ externalId: 'a' }], Deals: { id: 1 } }, /state\.Deals must be an array/, { stream: 'Deals' }],
      [{ Contacts: [1, 2] }, /state\.Contacts\[0\] must be a record/, { stream: 'Contacts', index: 0 }],
      [{ Contacts: [{ externalId: 'a' }, null] }, /state\.Contacts\[1\] must be a record/, { stream: 'Contacts', index: 1 }],
    ];
    for (const [state, message, details] of cases) {
      const res = await h.api('POST', `/${h.envId}/wr-bad/t1/jobs`, { tap: 'api', state });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.error.code, 'VALIDATION_FAILED');
      assert.match(res.body.error.message, message);
      for (const [k, v] of Object.entries(details)) assert.equal(res.body.error.details[k], v, res.text);
    }
    assert.deepEqual((await h.api('GET', `/${h.envId}/wr-bad/t1/jobs`)).body, []);
    // Singer state beside the records still passes.
    const ok = await h.api('POST', `/${h.envId}/wr-bad/t1/jobs`, { tap: 'api', state: { Contacts: [], bookmarks: { Contacts: {} } } });
    assert.equal(ok.status, 200, ok.text);
    await h.waitForJob('wr-bad', 't1', ok.body.job_id);
  });

  test('a Singer target printing result states is read the same way', async () => {
    const dir = await h.tmp('result-target');
    const script = path.join(dir, 'target-results-wr.mjs');
    await fs.writeFile(script, RESULT_TARGET);
    const def = await h.api('PUT', `/${h.envId}/connectors/target-results-wr`, { kind: 'target', command: [process.execPath, script] });
    assert.equal(def.status, 200, def.text);
    await h.api('PUT', `/${h.envId}/flows/wr-singer`, { name: 'wr-singer', type: 'v1-target', connectors: ['target-results-wr'] });
    const link = await h.api('POST', `/${h.envId}/wr-singer/s1/linkedTargets`, { target: { target: 'target-results-wr', config: {} } });
    assert.equal(link.status, 200, link.text);
    const job = await h.api('POST', `/${h.envId}/wr-singer/s1/jobs`, {
      tap: 'api',
      state: { Deals: [{ externalId: 'd1' }, { externalId: 'd2' }, { externalId: 'd3' }] },
    });
    assert.equal(job.status, 200, job.text);
    const done = await h.waitForJob('wr-singer', 's1', job.body.job_id, { timeoutMs: 60_000 });
    assert.equal(done.status, 'JOB_COMPLETED', done.error);
    assert.deepEqual(done.state.summary, { Deals: { success: 2, fail: 1, existing: 0, updated: 1 } });
    const failed = await h.api('GET', `/${h.envId}/wr-singer/s1/jobs/${job.body.job_id}/export?status=failure`);
    assert.deepEqual(
      failed.body.results.map((r: any) => [r.externalId, r.error]),
      [['d2', 'remote says no: d2']],
    );
    const succeeded = await h.api('GET', `/${h.envId}/wr-singer/s1/jobs/${job.body.job_id}/export?status=success`);
    assert.deepEqual(
      succeeded.body.results.map((r: any) => r.externalId),
      ['d1', 'd3'],
    );
  });

  test('a target that ends without answering for some records fails the export, naming them: never JOB_COMPLETED with records missing', async () => {
    const dir = await h.tmp('silent-target');
    const script = path.join(dir, 'target-skips-one.mjs');
    // The result target, but it says nothing about the third record.
    await fs.writeFile(script, RESULT_TARGET.replace('  n++;\n', '  n++;\n  if (n === 3) continue;\n'));
    assert.equal(
      (await h.api('PUT', `/${h.envId}/connectors/target-skips-one`, { kind: 'target', command: [process.execPath, script] })).status,
      200,
    );
    await h.api('PUT', `/${h.envId}/flows/wr-silent`, { name: 'wr-silent', type: 'v1-target', connectors: ['target-skips-one'] });
    assert.equal(
      (await h.api('POST', `/${h.envId}/wr-silent/s1/linkedTargets`, { target: { target: 'target-skips-one', config: {} } })).status,
      200,
    );
    const job = await h.api('POST', `/${h.envId}/wr-silent/s1/jobs`, {
      tap: 'api',
      state: { Deals: [{ externalId: 'd1' }, { externalId: 'd2' }, { externalId: 'd3' }] },
    });
    assert.equal(job.status, 200, job.text);
    const done = await h.waitForJob('wr-silent', 's1', job.body.job_id, { timeoutMs: 60_000 });
    assert.equal(done.status, 'EXPORT_FAILED');
    assert.match(done.error, /no result for 1 record\(s\) of stream "Deals"/);
    assert.deepEqual(done.state.summary, { Deals: { success: 1, fail: 1, existing: 0, updated: 0, not_sent: 1 } });
  });

  test('the collector streams every result to the file but keeps only a bounded number for the state', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sinew-write-results-'));
    try {
      const file = path.join(dir, 'export-details');
      const collector = new WriteResultCollector(file, 3);
      await collector.accept({ bookmarks: { A: { replication_key_value: 1 } } }); // a read bookmark: ignored
      for (let batch = 0; batch < 2; batch++) {
        await collector.accept({
          bookmarks: {
            A: [
              { hash: `a${batch}`, success: true, id: `${batch}`, externalId: `x${batch}`, error: null, existing: true },
              { hash: `b${batch}`, success: false, id: null, externalId: `y${batch}`, error: 'nope' },
            ],
          },
        });
      }
      const result = await collector.finish();
      assert.deepEqual(result?.summary, { A: { success: 2, fail: 2, existing: 2, updated: 0 } });
      assert.equal(result?.bookmarks, null);
      assert.equal(result?.results, 4);
      const lines = (await fs.readFile(file, 'utf8')).trim().split('\n');
      assert.equal(lines.length, 4);
      assert.deepEqual(JSON.parse(at(lines, 1)), { stream: 'A', hash: 'b0', success: false, id: null, externalId: 'y0', error: 'nope' });
      const page = await readExportDetails(readLines(createReadStream(file)), { status: 'failure', limit: 1, offset: 1 });
      assert.deepEqual(page.summary, result?.summary);
      assert.deepEqual(
        page.results.map((r) => r.externalId),
        ['y1'],
      );
      assert.equal(page.next_offset, null);

      const none = new WriteResultCollector(path.join(dir, 'unused'));
      await none.accept({ bookmarks: { A: { replication_key_value: 1 } } });
      assert.equal(await none.finish(), null);
      await assert.rejects(fs.stat(path.join(dir, 'unused')));
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { FakeCollectionApi } from '../fakes/fake-collection-api.js';
import { FakeHubspot } from '../fakes/fake-hubspot.js';
import { createPostgresSchema, postgresSkipReason } from '../support/postgres-schema.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';

const skipPostgres = await postgresSkipReason();

/**
 * A registered Singer target that speaks the write protocol: it "creates" each record (id r-<n>,
 * or the given __sinew_remote_id as an update) and prints one result STATE for all of them.
 */
const SINGER_WRITE_TARGET = `
import readline from 'node:readline';
import crypto from 'node:crypto';
const results = {};
let n = 0;
for await (const line of readline.createInterface({ input: process.stdin })) {
  const m = JSON.parse(line);
  if (m.type !== 'RECORD') continue;
  const { __sinew_remote_id: remote, ...record } = m.record;
  const hash = crypto.createHash('sha256').update(JSON.stringify(record)).digest('hex');
  const bad = record.name === 'bad';
  (results[m.stream] ??= []).push({ hash, success: !bad, id: bad ? null : (remote ?? 'r-' + (++n)), externalId: record.externalId ?? null, error: bad ? 'the remote system refused it' : null, updated: !!remote });
}
console.log(JSON.stringify({ bookmarks: results }));
`;

describe('real-time writes: POST /{env}/{flow}/{tenant}/connectors/{connector_id}/{stream}', () => {
  let h: Harness;
  let api: FakeCollectionApi;
  let apiUrl: string;
  let hubspot: FakeHubspot;
  let hubspotUrl: string;
  before(async () => {
    h = await startHarness();
    api = new FakeCollectionApi('tok-rt');
    apiUrl = await api.server.start();
    hubspot = new FakeHubspot('hs-rt');
    hubspotUrl = await hubspot.server.start();
    await allow('http', 'jsonl');
    const link = await h.api('POST', `/${h.envId}/rt/acme/linkedTargets`, {
      target: { target: 'http', config: { url: `${apiUrl}/items`, headers: { Authorization: 'Bearer tok-rt' }, max_attempts: 1 } },
    });
    assert.equal(link.status, 200, link.text);
  });
  after(async () => {
    await api.server.stop();
    await hubspot.server.stop();
    await h.stop();
  });

  const allowed = new Set<string>();
  /** The flow lets tenants link these connectors too. */
  const allow = async (...ids: string[]) => {
    for (const id of ids) allowed.add(id);
    const put = await h.api('PUT', `/${h.envId}/flows/rt`, { name: 'rt', type: 'v1-target', connectors: [...allowed] });
    assert.equal(put.status, 200, put.text);
  };
  const write = (body: unknown, where = `/${h.envId}/rt/acme/connectors/http/Contacts`, opts: Parameters<Harness['api']>[3] = {}) =>
    h.api('POST', where, body, opts);

  test('writes synchronously and answers with the per-record results; a second write updates, an unchanged one is existing', async () => {
    const first = await write({ data: { externalId: 'rt-1', name: 'Ann' } });
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.async, false);
    assert.match(first.body.jobId, /^[A-Za-z0-9_-]{10}$/);
    const [created] = first.body.state.bookmarks.Contacts;
    assert.equal(created.success, true);
    assert.equal(created.externalId, 'rt-1');
    assert.equal(created.updated, false);
    assert.match(created.hash, /^[0-9a-f]{64}$/);
    assert.deepEqual(first.body.state.summary, { Contacts: { success: 1, fail: 0, existing: 0, updated: 0 } });
    assert.equal(api.items.get(created.id)?.name, 'Ann');

    const second = await write({ data: [{ externalId: 'rt-1', name: 'Ann B.' }], async: false });
    assert.equal(second.status, 200, second.text);
    assert.equal(second.body.state.bookmarks.Contacts[0].id, created.id);
    assert.equal(second.body.state.bookmarks.Contacts[0].updated, true);
    assert.equal(api.items.get(created.id)?.name, 'Ann B.');

    const calls = api.server.requests.length;
    const third = await write({ data: { externalId: 'rt-1', name: 'Ann B.' } });
    assert.deepEqual(third.body.state.summary, { Contacts: { success: 1, fail: 0, existing: 1, updated: 0 } });
    assert.equal(third.body.state.bookmarks.Contacts[0].id, created.id);
    assert.equal(api.server.requests.length, calls, 'nothing was sent for an unchanged record');
  });

  test('one bad record fails alone; records without externalId are created each time', async () => {
    const res = await write({ data: [{ externalId: 'rt-2', name: 'Bo' }, { externalId: 'rt-3' }, { name: 'anonymous' }] });
    assert.equal(res.status, 200, res.text);
    const [ok, bad, anonymous] = res.body.state.bookmarks.Contacts;
    assert.equal(ok.success, true);
    assert.equal(bad.success, false);
    assert.match(bad.error, /^422 .*name is required/);
    assert.equal(anonymous.success, true);
    assert.equal(anonymous.externalId, null);
    assert.deepEqual(res.body.state.summary, { Contacts: { success: 2, fail: 1, existing: 0, updated: 0 } });
  });

  test("a synchronous write's jobId finds it at …/connectors/status, results included; writes and records are counted in /metrics", async () => {
    const metric = async (line: RegExp): Promise<number> => {
      const text = (await h.api('GET', '/metrics')).text;
      const m = line.exec(text);
      return m ? Number(m[1]) : 0;
    };
    const writes = new RegExp(
      `sinew_realtime_writes_total\\{env_id="${h.envId.replace(/\./g, '\\.')}",mode="sync",outcome="completed"\\} (\\d+)`,
    );
    const failedRecords = new RegExp(
      `sinew_realtime_write_records_total\\{env_id="${h.envId.replace(/\./g, '\\.')}",result="fail"\\} (\\d+)`,
    );
    const [writesBefore, failedBefore] = [await metric(writes), await metric(failedRecords)];

    const res = await write({ data: [{ externalId: 'rt-find', name: 'Fay' }, { externalId: 'rt-find-bad' }] });
    assert.equal(res.status, 200, res.text);
    const found = await h.api('GET', `/${h.envId}/rt/acme/connectors/status?taskId=${res.body.jobId}`);
    assert.equal(found.status, 200, found.text);
    assert.equal(found.body.jobId, res.body.jobId);
    assert.equal(found.body.status, 'COMPLETED');
    assert.deepEqual(found.body.state, res.body.state);
    // Only the tenant it was written for finds it.
    assert.equal((await h.api('GET', `/${h.envId}/rt/someone-else/connectors/status?taskId=${res.body.jobId}`)).status, 404);

    assert.equal(await metric(writes), writesBefore + 1);
    assert.equal(await metric(failedRecords), failedBefore + 1);

    // A write the target refuses as a whole is kept as FAILED, with the reason.
    await h.api('POST', `/${h.envId}/rt/refused/linkedTargets`, {
      target: { target: 'http', config: { url: `${apiUrl}/items`, headers: { Authorization: 'Bearer nope' }, max_attempts: 1 } },
    });
    const refused = await write({ data: { externalId: 'x1', name: 'x' } }, `/${h.envId}/rt/refused/connectors/http/Contacts`);
    assert.equal(refused.status, 422);
    const failedWrites = new RegExp(
      `sinew_realtime_writes_total\\{env_id="${h.envId.replace(/\./g, '\\.')}",mode="sync",outcome="failed"\\} (\\d+)`,
    );
    assert.ok((await metric(failedWrites)) >= 1);
  });

  test('concurrent writes of one external id create it once', async () => {
    const before = [...api.items.values()].filter((i) => i.externalId === 'rt-race').length;
    assert.equal(before, 0);
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => write({ data: { externalId: 'rt-race', name: `v${i}` } })));
    for (const a of answers) assert.equal(a.status, 200, a.text);
    const results = answers.map((a) => a.body.state.bookmarks.Contacts[0]);
    assert.ok(
      results.every((r) => r.success),
      JSON.stringify(results),
    );
    assert.equal(new Set(results.map((r) => r.id)).size, 1, 'every write saw the same remote record');
    assert.equal(results.filter((r) => r.updated === false).length, 1, 'one create, the rest updates');
    assert.equal([...api.items.values()].filter((i) => i.externalId === 'rt-race').length, 1);
  });

  test('async: answers at once with a task id; the status shows the results when done', async () => {
    const res = await write({ data: [{ externalId: 'rt-async', name: 'Later' }], async: true });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.async, true);
    assert.equal(res.body.status, 'QUEUED');
    assert.equal(res.body.taskId, res.body.jobId);
    let status: any;
    for (let i = 0; i < 100; i++) {
      status = await h.api('GET', `/${h.envId}/rt/acme/connectors/status?taskId=${res.body.taskId}`);
      assert.equal(status.status, 200, status.text);
      if (status.body.status === 'COMPLETED' || status.body.status === 'FAILED') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(status.body.status, 'COMPLETED', status.text);
    assert.equal(status.body.state.bookmarks.Contacts[0].externalId, 'rt-async');
    assert.equal(status.body.state.summary.Contacts.success, 1);
    assert.equal(status.body.error, null);
    const v2 = await h.api('GET', `/v2/${h.envId}/rt/acme/connectors/status?taskId=${res.body.taskId}`);
    assert.equal(v2.status, 200);
    const elsewhere = await h.api('GET', `/${h.envId}/rt/other-tenant/connectors/status?taskId=${res.body.taskId}`);
    assert.equal(elsewhere.status, 404, 'a task is only visible to its tenant');
    const unknown = await h.api('GET', `/${h.envId}/rt/acme/connectors/status?taskId=nope`);
    assert.equal(unknown.status, 404);
  });

  test('bad requests get clear errors', async () => {
    const cases: Array<[unknown, string, number, RegExp]> = [
      [{ data: [] }, `/${h.envId}/rt/acme/connectors/http/Contacts`, 400, /non-empty/],
      [{ data: 'text' }, `/${h.envId}/rt/acme/connectors/http/Contacts`, 400, /data/],
      [{ data: [1, 2] }, `/${h.envId}/rt/acme/connectors/http/Contacts`, 400, /data/],
      [{}, `/${h.envId}/rt/acme/connectors/http/Contacts`, 400, /data/],
      [{ data: {}, extra: 1 }, `/${h.envId}/rt/acme/connectors/http/Contacts`, 400, /extra|additional/],
      [{ data: {} }, `/${h.envId}/rt/nobody/connectors/http/Contacts`, 404, /linked target http/],
      [{ data: {} }, `/${h.envId}/no-such-flow/acme/connectors/http/Contacts`, 404, /flow/],
      [{ data: {} }, `/${h.envId}/rt/acme/connectors/nope/Contacts`, 404, /linked target nope|connector/],
    ];
    for (const [body, where, status, message] of cases) {
      const res = await write(body, where);
      assert.equal(res.status, status, `${where} ${JSON.stringify(body)}: ${res.text}`);
      assert.match(res.body.error.message, message, res.text);
      assert.ok(res.body.error.code);
    }
    const tooMany = await write({ data: Array.from({ length: 10_001 }, (_, i) => ({ externalId: `x${i}`, name: 'n' })) });
    assert.equal(tooMany.status, 413, tooMany.text);
    const noKey = await write({ data: {} }, undefined, { key: null });
    assert.equal(noKey.status, 401);
    // A target that reports no per-record results cannot take real-time writes.
    await h.api('POST', `/${h.envId}/rt/plain/linkedTargets`, { target: { target: 'jsonl', config: { path: await h.tmp('rt-jsonl') } } });
    const plain = await write({ data: {} }, `/${h.envId}/rt/plain/connectors/jsonl/Contacts`);
    assert.equal(plain.status, 422, plain.text);
    assert.match(plain.body.error.message, /write_results/);
  });

  test('a target that refuses the credentials answers 422, not per-record failures', async () => {
    await h.api('POST', `/${h.envId}/rt/badtoken/linkedTargets`, {
      target: { target: 'http', config: { url: `${apiUrl}/items`, headers: { Authorization: 'Bearer wrong' }, max_attempts: 1 } },
    });
    const res = await write({ data: { externalId: 'b1', name: 'x' } }, `/${h.envId}/rt/badtoken/connectors/http/Contacts`);
    assert.equal(res.status, 422, res.text);
    assert.equal(res.body.error.code, 'CONNECTOR_FAILED');
    assert.match(res.body.error.message, /refused the credentials/);
    assert.ok(!res.text.includes('Bearer wrong'));
  });

  test('v2 flows: the linked connector (hubspot), on the /v2 path too', async () => {
    await h.api('PUT', `/${h.envId}/flows/rt2`, { name: 'rt2', type: 'v2', connectors: ['hubspot'] });
    const link = await h.api('POST', `/v2/${h.envId}/rt2/acme/linkedConnectors`, {
      connector_id: 'hubspot',
      config: { access_token: 'hs-rt', base_url: hubspotUrl },
    });
    assert.equal(link.status, 200, link.text);
    const first = await write(
      { data: { externalId: 'h-1', email: 'h1@example.com', firstname: 'H' } },
      `/v2/${h.envId}/rt2/acme/connectors/hubspot/contacts`,
    );
    assert.equal(first.status, 200, first.text);
    const second = await write(
      { data: { externalId: 'h-1', email: 'h1@example.com', firstname: 'Hh' } },
      `/${h.envId}/rt2/acme/connectors/hubspot/contacts`,
    );
    assert.equal(second.status, 200, second.text);
    assert.equal(second.body.state.bookmarks.contacts[0].id, first.body.state.bookmarks.contacts[0].id);
    assert.equal(hubspot.objects.get('contacts')!.size, 1);
    assert.equal(hubspot.objects.get('contacts')!.get(first.body.state.bookmarks.contacts[0].id)?.firstname, 'Hh');
  });

  test('a registered Singer target with write_results runs as a child process per write', async () => {
    const dir = await h.tmp('rt-singer');
    const script = path.join(dir, 'target-rt.mjs');
    await fs.writeFile(script, SINGER_WRITE_TARGET);
    const def = await h.api('PUT', `/${h.envId}/connectors/target-rt`, {
      kind: 'target',
      command: [process.execPath, script],
      capabilities: { write_results: true },
    });
    assert.equal(def.status, 200, def.text);
    await allow('target-rt');
    await h.api('POST', `/${h.envId}/rt/singer/linkedTargets`, { target: { target: 'target-rt', config: {} } });
    const where = `/${h.envId}/rt/singer/connectors/target-rt/Deals`;
    const first = await write(
      {
        data: [
          { externalId: 'd1', name: 'one' },
          { externalId: 'd2', name: 'bad' },
        ],
      },
      where,
    );
    assert.equal(first.status, 200, first.text);
    const [d1, d2] = first.body.state.bookmarks.Deals;
    assert.equal(d1.success, true);
    assert.equal(d2.success, false);
    assert.equal(d2.error, 'the remote system refused it');
    const second = await write({ data: { externalId: 'd1', name: 'uno' } }, where);
    assert.equal(second.body.state.bookmarks.Deals[0].id, d1.id, 'the map gave the target the remote id');
    assert.equal(second.body.state.bookmarks.Deals[0].updated, true);
  });

  test('postgres: the schema is inferred from the records and grows with them', { skip: skipPostgres }, async () => {
    const db = await createPostgresSchema();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await allow('postgres');
      const link = await h.api('POST', `/${h.envId}/rt/pg/linkedTargets`, {
        target: { target: 'postgres', config: { connection_string: db.url, schema: db.schema } },
      });
      assert.equal(link.status, 200, link.text);
      const where = `/${h.envId}/rt/pg/connectors/postgres/people`;
      const first = await write({ data: { externalId: 'p1', name: 'Ann' } }, where);
      assert.equal(first.status, 200, first.text);
      assert.equal(first.body.state.bookmarks.people[0].success, true, first.text);
      const second = await write(
        {
          data: [
            { externalId: 'p1', name: 'Ann', age: 30 },
            { externalId: 'p2', name: 'Bob', age: 40 },
          ],
        },
        where,
      );
      assert.deepEqual(second.body.state.summary, { people: { success: 2, fail: 0, existing: 0, updated: 1 } }, second.text);
      const rows = (await client.query(`select external_id, name, age::int as age from "${db.schema}".people order by external_id`)).rows;
      assert.deepEqual(rows, [
        { external_id: 'p1', name: 'Ann', age: 30 },
        { external_id: 'p2', name: 'Bob', age: 40 },
      ]);
    } finally {
      await client.end();
      await db.drop();
    }
  });
});

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { parseJson, stringifyJson } from '../../src/singer/lossless-json.js';
import { createPostgresSchema, type PostgresTestSchema, postgresSkipReason } from '../support/postgres-schema.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { until } from '../support/until.js';

const skip = await postgresSkipReason();

/** The rows as PostgreSQL prints them, one JSON text per row, in id order: what the destination must hold. */
const EXPECTED_SQL = `select json_build_object('id', id, 'amount', amount, 'big', big, 'name', name,
  'updated_at', replace(updated_at::text, ' ', 'T') || ':00')::text as row from items order by id`;

describe('postgres source through the API: three incremental jobs into jsonl', { skip }, () => {
  let h: Harness;
  let db: PostgresTestSchema;
  let client: pg.Client;
  before(async () => {
    h = await startHarness();
    db = await createPostgresSchema();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(`set search_path = "${db.schema}"; set timezone = 'UTC'`);
    await client.query(
      'create table items (id bigint primary key, amount numeric(38,18), big bigint, name text, updated_at timestamptz not null)',
    );
  });
  after(async () => {
    await client.end();
    await db.drop();
    await h.stop();
  });

  /** The destination by id, the last line of each id winning (the boundary row comes again), as JSON texts comparable to EXPECTED_SQL. */
  async function destination(out: string): Promise<string[]> {
    const lines = (await fs.readFile(path.join(out, 'items.jsonl'), 'utf8')).split('\n').filter(Boolean);
    const byId = new Map<string, Record<string, unknown>>();
    for (const line of lines) {
      const record = parseJson(line) as Record<string, unknown>;
      byId.set(String(record.id), record);
    }
    return [...byId.values()]
      .sort((a, b) => (BigInt(String(a.id)) < BigInt(String(b.id)) ? -1 : 1))
      .map((r) => stringifyJson({ id: r.id, amount: r.amount, big: r.big, name: r.name, updated_at: r.updated_at }));
  }
  const expected = async () => (await client.query<{ row: string }>(EXPECTED_SQL)).rows.map((r) => stringifyJson(parseJson(r.row)));
  const lineCount = async (out: string) => (await fs.readFile(path.join(out, 'items.jsonl'), 'utf8')).split('\n').filter(Boolean).length;

  test('nothing lost, values exact (numeric(38,18), bigint near 2^63, timestamptz), the boundary row again', async () => {
    const out = await h.tmp('pg-out');
    const flow = await h.api('PUT', `/${h.envId}/flows/pgsrc`, {
      name: 'pg',
      type: 'v1-source',
      connectors: ['postgres'],
      target: { connector: 'jsonl', config: { path: out } },
    });
    assert.equal(flow.status, 200, flow.text);
    const config = { connection_string: db.url, schema: db.schema, replication_keys: { items: 'updated_at' } };
    const link = await h.api('POST', `/${h.envId}/pgsrc/t1/linkedSources`, { source: { tap: 'postgres', config } });
    assert.equal(link.status, 200, link.text);
    const runJob = async () => {
      const created = await h.api('POST', `/${h.envId}/pgsrc/t1/jobs`, {});
      assert.equal(created.status, 200, created.text);
      const job = await h.waitForJob('pgsrc', 't1', created.body.job_id, { timeoutMs: 60_000 });
      assert.equal(job.status, 'JOB_COMPLETED', job.error ?? job.message);
      return job;
    };

    await client.query(`insert into items values
      (1, 12345678901234567890.123456789012345678, 9223372036854775807, 'a', '2024-05-01 10:00:00.000001+00'),
      (2, -0.000000000000000001, -9223372036854775808, null, '2024-05-01 11:00:00+02'),
      (3, null, 9007199254740993, 'tab\there', '2024-05-02 00:00:00+00')`);
    await runJob();
    assert.deepEqual(await destination(out), await expected());
    assert.equal(await lineCount(out), 3);
    const state = (await h.api('GET', `/${h.envId}/pgsrc/t1/linkedSources/state`)).body;
    assert.equal(
      stringifyJson(state),
      '{"bookmarks":{"items":{"replication_key":"updated_at","replication_key_value":"2024-05-02T00:00:00+00:00"}}}',
    );

    // A row sharing the bookmark's instant, written after the job: >= keeps it.
    await client.query(
      `insert into items values (4, 1.5, 1, 'same instant', '2024-05-02 00:00:00+00'), (5, 99999999999999999999.999999999999999999, 2, 'later', '2024-05-03 00:00:00+00')`,
    );
    const second = await runJob();
    assert.equal(second.sync_type, 'incremental_sync');
    assert.deepEqual(await destination(out), await expected());
    assert.equal(await lineCount(out), 3 + 3, 'rows 3 (the boundary, again), 4 and 5');

    await client.query(`update items set name = 'changed', updated_at = '2024-05-04 00:00:00+00' where id = 1`);
    await client.query(`insert into items values (6, 0.000000000000000001, 9223372036854775806, 'six', '2024-05-04 00:00:00+00')`);
    await runJob();
    assert.deepEqual(await destination(out), await expected());
    assert.equal(await lineCount(out), 6 + 1 + 2, 'row 5 (the boundary), then 1 and 6');
  });
  test("a tenant's discover (v2) reaches the database too: the built-in tap gets the environment's address policy", async () => {
    const flow = await h.api('PUT', `/${h.envId}/flows/pgdisc`, { name: 'pg discover', type: 'v2', connectors: ['postgres', 'jsonl'] });
    assert.equal(flow.status, 200, flow.text);
    const base = `/v2/${h.envId}/pgdisc/t2/linkedConnectors`;
    const link = await h.api('POST', base, { connector_id: 'postgres', config: { connection_string: db.url, schema: db.schema } });
    assert.equal(link.status, 200, link.text);
    assert.equal((await h.api('POST', `${base}/discover`)).status, 200);
    const done = await until('the discover finished', 30_000, async () => {
      const poll = await h.api('GET', `${base}/discover/poll?connector_id=postgres`);
      return poll.body.status === 'DISCOVER_STARTED' ? undefined : poll.body;
    });
    assert.equal(done.status, 'DISCOVER_SUCCESS', JSON.stringify(done));
    assert.ok(
      done.catalog.streams.some((st: { stream: string }) => st.stream === 'items'),
      JSON.stringify(done.catalog),
    );
  });
});

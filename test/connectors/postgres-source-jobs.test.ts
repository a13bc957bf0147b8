import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { parseJson, stringifyJson } from '../../src/singer/lossless-json.js';
import { jsonlDestination, jsonlLineCount } from '../support/jsonl-destination.js';
import { createPostgresSchema, type PostgresTestSchema, postgresSkipReason } from '../support/postgres-schema.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { until } from '../support/until.js';

const skip = await postgresSkipReason();

/** The rows as PostgreSQL prints them, one JSON text per row, in id order: what the destination must hold. */
const EXPECTED_SQL = `select json_build_object('id', id, 'amount', amount, 'big', big, 'name', name,
  'updated_at', replace(updated_at::text, ' ', 'T') || ':00', 'tags', tags)::text as row from items order by id`;

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
      'create table items (id bigint primary key, amount numeric(38,18), big bigint, name text, updated_at timestamptz not null, tags numeric[])',
    );
  });
  after(async () => {
    await client.query(`drop schema if exists "${db.schema}_dst" cascade`);
    await client.end();
    await db.drop();
    await h.stop();
  });

  /** The destination as JSON texts comparable to EXPECTED_SQL. */
  const destination = (out: string) => jsonlDestination(out, 'items', ['id', 'amount', 'big', 'name', 'updated_at', 'tags']);
  const expected = async () => (await client.query<{ row: string }>(EXPECTED_SQL)).rows.map((r) => stringifyJson(parseJson(r.row)));
  const lineCount = (out: string) => jsonlLineCount(out, 'items');

  test('nothing lost, values exact (numeric(38,18), bigint near 2^63, timestamptz, numeric[]), the boundary row again', async () => {
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
      (1, 12345678901234567890.123456789012345678, 9223372036854775807, 'a', '2024-05-01 10:00:00.000001+00', '{1.50,12345678901234567890.1,NULL}'),
      (2, -0.000000000000000001, -9223372036854775808, null, '2024-05-01 11:00:00+02', '{}'),
      (3, null, 9007199254740993, 'tab\there', '2024-05-02 00:00:00+00', null)`);
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
  test('postgres → postgres: three jobs, the target loading by COPY and merging by key, the destination equal to the source in SQL', async () => {
    await client.query(
      `create table orders (id bigint primary key, total numeric(38,18), note text, at timestamptz not null, tags text[])`,
    );
    const flow = await h.api('PUT', `/${h.envId}/flows/pg2pg`, {
      name: 'pg to pg',
      type: 'v1-source',
      connectors: ['postgres'],
      target: { connector: 'postgres', config: { connection_string: db.url, schema: `${db.schema}_dst` } },
    });
    assert.equal(flow.status, 200, flow.text);
    const config = { connection_string: db.url, schema: db.schema, replication_keys: { orders: 'at' } };
    assert.equal((await h.api('POST', `/${h.envId}/pg2pg/t3/linkedSources`, { source: { tap: 'postgres', config } })).status, 200);
    // Both sides as one text per row, the types cast alike (the target stores numbers as numeric, arrays as jsonb).
    const rowsOf = async (schema: string) =>
      (
        await client.query<{ row: string }>(
          `select id::text || '|' || coalesce(total::numeric(38,18)::text, '-') || '|' || coalesce(note, '-') || '|' || at::text
             || '|' || coalesce(to_jsonb(tags)::text, '-') as row from "${schema}".orders order by id`,
        )
      ).rows.map((r) => r.row);
    const runJob = async () => {
      const created = await h.api('POST', `/${h.envId}/pg2pg/t3/jobs`, {});
      const job = await h.waitForJob('pg2pg', 't3', created.body.job_id, { timeoutMs: 120_000 });
      assert.equal(job.status, 'JOB_COMPLETED', job.error ?? job.message);
      return job;
    };
    await client.query(`insert into orders select i, (i * 1.000000000000000001)::numeric(38,18) * 12345678901234567, case when i % 7 = 0 then null
      else E'line\\nbreak\\ttab "q" \\\\ ü ' || i end, timestamptz '2024-01-01 00:00:00+00' + make_interval(secs => i),
      case when i % 5 = 0 then null else array['a' || i, null, 'b'] end from generate_series(1, 3000) as i`);
    await runJob();
    assert.deepEqual(await rowsOf(`${db.schema}_dst`), await rowsOf(db.schema));

    await client.query(`update orders set note = 'changed', at = at + interval '1 year' where id % 100 = 0`);
    await client.query(
      `insert into orders select i, i, 'new', timestamptz '2026-01-01 00:00:00+00', null from generate_series(3001, 4500) as i`,
    );
    const second = await runJob();
    assert.equal(second.sync_type, 'incremental_sync');
    assert.deepEqual(await rowsOf(`${db.schema}_dst`), await rowsOf(db.schema));

    await client.query(`update orders set total = -0.000000000000000001, at = timestamptz '2027-01-01 00:00:00+00' where id <= 1200`);
    await runJob();
    assert.deepEqual(await rowsOf(`${db.schema}_dst`), await rowsOf(db.schema));
    const log = await h.api('GET', `/${h.envId}/pg2pg/t3/jobs/${second.job_id}/logs`);
    assert.doesNotMatch(log.text, /writing them by INSERT/, 'every batch went in by COPY');
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

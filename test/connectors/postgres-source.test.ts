import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import pg from 'pg';
import { postgresConnector } from '../../src/connectors/builtin/postgres/postgres-connector.js';
import type { SourceContext } from '../../src/connectors/sdk/connector.js';
import type { Catalog, CatalogStream } from '../../src/model/catalog.js';
import { stringifyJson } from '../../src/singer/lossless-json.js';
import type { RecordMessage, SchemaMessage, SingerMessage, StateMessage } from '../../src/singer/message.js';
import { createPostgresSchema, type PostgresTestSchema, postgresSkipReason } from '../support/postgres-schema.js';

const skip = await postgresSkipReason();
const source = postgresConnector.source!;
const LOOPBACK = { allowPrivate: false, allowLoopback: true };

const records = (ms: SingerMessage[], stream: string) =>
  ms.filter((m): m is RecordMessage => m.type === 'RECORD' && m.stream === stream).map((m) => m.record);
const states = (ms: SingerMessage[]) => ms.filter((m): m is StateMessage => m.type === 'STATE').map((m) => m.value);

/** Picks the given columns (null: the whole stream deselected) and a replication key, as a user would. */
function choose(entry: CatalogStream, opts: { deselect?: string[]; key?: string; skipStream?: boolean }): CatalogStream {
  const metadata = (entry.metadata ?? []).map((m) => {
    if (m.breadcrumb.length === 0) {
      return {
        ...m,
        metadata: {
          ...m.metadata,
          selected: !opts.skipStream,
          ...(opts.key ? { 'replication-method': 'INCREMENTAL', 'replication-key': opts.key } : {}),
        },
      };
    }
    return opts.deselect?.includes(String(m.breadcrumb[1])) ? { ...m, metadata: { ...m.metadata, selected: false } } : m;
  });
  return { ...entry, metadata };
}

describe('postgres source', { skip }, () => {
  let db: PostgresTestSchema;
  let client: pg.Client;
  const config = (extra: Record<string, unknown> = {}) => ({ connection_string: db.url, schema: db.schema, ...extra });
  const sql = async (text: string) => (await client.query(text)).rows;

  async function run(catalog: Catalog | null, state: Record<string, unknown> = {}, cfg = config()) {
    const messages: SingerMessage[] = [];
    const ctx: SourceContext = {
      config: cfg,
      catalog,
      state,
      out: { write: (m) => void messages.push(m) },
      log: () => {},
      addressPolicy: LOOPBACK,
    };
    await source.sync(ctx);
    return messages;
  }

  beforeEach(async () => {
    db = await createPostgresSchema();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(`set search_path = "${db.schema}"`);
    await client.query(`create table facts (
      id bigint primary key, amount numeric(38,18), small int not null, ratio double precision, name text, note varchar(20),
      seen_at timestamptz, local_at timestamp, day date, ok boolean, doc jsonb, tags int[], uid uuid, span int4range)`);
    await client.query(`insert into facts values
      (9223372036854775807, 12345678901234567890.123456789012345678, 1, 0.1, 'Ann', E'tab\\there\\nnew', '2024-03-01 10:00:00.123456+02', '2024-03-01 10:00:00', '2024-03-01', true, '{"big": 123456789012345678901, "x": [1.50]}', '{1,2}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '[1,5)'),
      (-9223372036854775808, -0.000000000000000001, 2, null, null, null, null, null, null, false, null, '{}', null, null),
      (3, 0, 3, 1e300, 'back\\slash', '', '2024-03-02 00:00:00+00', null, null, null, '[]', '{{7,NULL},{8,9}}', null, null)`);
  });
  afterEach(async () => {
    await client.end();
    await db.drop();
  });

  test('discover: columns typed as JSON Schema, exact bigint bounds, primary key, replication-key candidates, an unmappable type named', async () => {
    const catalog = await source.discover(config(), LOOPBACK);
    const [facts] = catalog.streams;
    assert.equal(catalog.streams.length, 1);
    assert.equal(facts!.tap_stream_id, 'facts');
    assert.deepEqual(facts!.key_properties, ['id']);
    const props = facts!.schema.properties as Record<string, Record<string, unknown>>;
    assert.equal(stringifyJson(props.id), '{"type":"integer","minimum":-9223372036854775808,"maximum":9223372036854775807}');
    assert.deepEqual(props.amount, { type: ['number', 'null'] });
    assert.deepEqual(props.small, { type: 'integer', minimum: -2147483648, maximum: 2147483647 });
    assert.deepEqual(props.seen_at, { type: ['string', 'null'], format: 'date-time' });
    assert.deepEqual(props.day, { type: ['string', 'null'], format: 'date' });
    assert.deepEqual(props.ok, { type: ['boolean', 'null'] });
    assert.deepEqual(props.tags, { type: ['array', 'null'] });
    assert.deepEqual(props.span, {});
    const top = facts!.metadata!.find((m) => m.breadcrumb.length === 0)!.metadata;
    assert.deepEqual(top['valid-replication-keys'], ['id', 'amount', 'small', 'ratio', 'seen_at', 'local_at', 'day']);
    assert.equal(top['replication-method'], 'FULL_TABLE');
    const tags = facts!.metadata!.find((m) => m.breadcrumb[1] === 'tags')!.metadata;
    assert.equal(tags['sql-datatype'], 'integer[]');
    const span = facts!.metadata!.find((m) => m.breadcrumb[1] === 'span')!.metadata;
    assert.equal(span['sql-datatype'], 'int4range');
  });

  test('full sync: a column of an unmappable type fails naming it, unless deselected; values exact against SQL', async () => {
    const catalog = await source.discover(config(), LOOPBACK);
    await assert.rejects(run(catalog), /column "span" of table "[^"]+"\."facts" \(stream "facts"\) has type int4range/);
    const chosen = { streams: [choose(catalog.streams[0]!, { deselect: ['span'] })] };
    const messages = await run(chosen);
    const schema = messages.find((m): m is SchemaMessage => m.type === 'SCHEMA')!;
    assert.ok(!Object.keys(schema.schema.properties ?? {}).includes('span'));
    const got = records(messages, 'facts');
    assert.equal(got.length, 3);
    // Compare every value with what PostgreSQL itself prints (UTC, ISO) for the same rows.
    await sql(`set timezone = 'UTC'`);
    const utc = await sql(
      `select id::text as id, amount::text as amount, ratio::text as ratio, name, note, seen_at::text as seen_at, local_at::text as local_at, day::text as day, ok, doc::text as doc, uid::text as uid, array_to_json(tags)::text as tags from facts`,
    );
    assert.equal(utc.length, 3);
    for (const row of utc) {
      const record = got.find((r) => String(r.id) === row.id)!;
      assert.ok(record, `row ${row.id}`);
      assert.equal(String(record.amount ?? null), String(row.amount));
      assert.equal(record.ratio === null ? null : String(record.ratio), row.ratio);
      assert.equal(record.name, row.name);
      assert.equal(record.note, row.note);
      assert.equal(record.seen_at, row.seen_at === null ? null : `${row.seen_at.replace(' ', 'T')}:00`);
      assert.equal(record.local_at, row.local_at === null ? null : `${row.local_at.replace(' ', 'T')}+00:00`);
      assert.equal(record.day, row.day);
      assert.equal(record.ok, row.ok);
      assert.equal(
        record.doc === null ? null : stringifyJson(record.doc).replaceAll(' ', ''),
        row.doc === null ? null : row.doc.replaceAll(' ', ''),
      );
      assert.equal(record.uid, row.uid);
      assert.equal(
        record.tags === null ? null : stringifyJson(record.tags),
        row.tags,
        'arrays as JSON arrays, multi-dimensional and nulls kept',
      );
    }
    const line = stringifyJson(got.find((r) => String(r.id) === '9223372036854775807'));
    assert.match(line, /"id":9223372036854775807,"amount":12345678901234567890\.123456789012345678,/);
    assert.match(line, /"seen_at":"2024-03-01T08:00:00\.123456\+00:00"/);
    assert.match(line, /"doc":\{"x":\[1\.50\],"big":123456789012345678901\}/, 'jsonb keeps its numbers exact');
    assert.match(stringifyJson(got.find((r) => String(r.id) === '-9223372036854775808')), /"amount":-0\.000000000000000001/);
  });

  test('incremental: rows at or past the bookmark (>=, the boundary row again), the new bookmark in STATE; deselected stream left out', async () => {
    await client.query(`create table other (id int primary key)`);
    const catalog = await source.discover(config(), LOOPBACK);
    const facts = catalog.streams.find((s) => s.stream === 'facts')!;
    const other = catalog.streams.find((s) => s.stream === 'other')!;
    const chosen = { streams: [choose(facts, { deselect: ['span'], key: 'seen_at' }), choose(other, { skipStream: true })] };
    const first = await run(chosen);
    assert.equal(records(first, 'other').length, 0);
    assert.equal(records(first, 'facts').length, 3, 'the row with a null key too, on a first run');
    const state = states(first).at(-1)!;
    assert.equal(
      stringifyJson(state),
      '{"bookmarks":{"facts":{"replication_key":"seen_at","replication_key_value":"2024-03-02T00:00:00+00:00"}}}',
    );
    await client.query(`insert into facts (id, small, seen_at) values (4, 4, '2024-03-02 00:00:00+00'), (5, 5, '2024-03-03 00:00:00+00')`);
    const second = await run(chosen, state);
    assert.deepEqual(
      records(second, 'facts').map((r) => String(r.id)),
      ['3', '4', '5'],
    );
    assert.equal((states(second).at(-1) as any).bookmarks.facts.replication_key_value, '2024-03-03T00:00:00+00:00');
    const third = await run(chosen, states(second).at(-1)!);
    assert.deepEqual(
      records(third, 'facts').map((r) => String(r.id)),
      ['5'],
    );
  });

  test('clear errors: a table dropped since discover, bad credentials, the address policy', async () => {
    const catalog = await source.discover(config(), LOOPBACK);
    await client.query('drop table facts');
    await assert.rejects(run(catalog), /table "[^"]+"\."facts" of stream "facts" no longer exists/);
    await assert.rejects(
      run(null, {}, config({ connection_string: undefined, host: '127.0.0.1', user: 'no_such_role_x', database: 'test' })),
      /refused the credentials for 127\.0\.0\.1:5432\/test as no_such_role_x/,
    );
    await assert.rejects(source.discover(config()), /refused to connect to .*loopback/);
  });
});

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { LosslessNumber } from 'lossless-json';
import pg from 'pg';
import { postgresConnector } from '../../src/connectors/builtin/postgres/postgres-connector.js';
import type { SingerMessage } from '../../src/singer/message.js';
import { recordMessage, resultsOf, writeAsSingerProcess, writeThrough } from '../fakes/target-runs.js';
import { at, atLeast } from '../support/elements.js';
import { createPostgresSchema, type PostgresTestSchema, postgresSkipReason } from '../support/postgres-schema.js';

const skip = await postgresSkipReason();
const target = postgresConnector.target!;

const accounts: SingerMessage = {
  type: 'SCHEMA',
  stream: 'accounts',
  key_properties: ['id'],
  schema: {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      name: { type: ['string', 'null'] },
      balance: { type: 'number' },
      seen_at: { type: ['string', 'null'], format: 'date-time' },
      tags: { type: 'array' },
      active: { type: 'boolean' },
    },
  },
};

describe('postgres write target', { skip }, () => {
  let db: PostgresTestSchema;
  let client: pg.Client;
  // load: insert, whose results carry existing/updated; the COPY path has a test of its own.
  const config = (extra: Record<string, unknown> = {}) => ({
    connection_string: db.url,
    schema: db.schema,
    load: 'insert',
    batch_size: 50,
    ...extra,
  });
  const rows = async (sql: string) => (await client.query(sql)).rows;

  beforeEach(async () => {
    db = await createPostgresSchema();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });
  afterEach(async () => {
    await client.end();
    await db.drop();
  });

  test('creates the table from the SCHEMA, upserts by key in batches, big numbers exact, results per record', async () => {
    const big = new LosslessNumber('123456789012345678901234.50');
    const records = Array.from({ length: 120 }, (_, i) =>
      recordMessage('accounts', { id: i + 1, name: `a${i + 1}`, balance: i === 0 ? big : 1.5, tags: ['x'], active: true }),
    );
    const first = await writeThrough(target, config(), [accounts, ...records]);
    assert.equal(first.states.length, 3, 'one result STATE per batch of 50');
    const results = resultsOf(first, 'accounts');
    assert.equal(results.length, 120);
    assert.ok(results.every((r) => r.success === true && r.updated === false && r.error === null));
    assert.equal(at(results, 0).id, '1');
    const columns = await rows(
      `select column_name, data_type from information_schema.columns where table_schema = '${db.schema}' and table_name = 'accounts' order by ordinal_position`,
    );
    assert.deepEqual(
      columns.map((c) => `${c.column_name}:${c.data_type}`),
      [
        'id:numeric',
        'name:text',
        'balance:numeric',
        'seen_at:timestamp with time zone',
        'tags:jsonb',
        'active:boolean',
        'external_id:text',
      ],
    );
    const [one] = await rows(`select balance::text as balance, tags from "${db.schema}".accounts where id = 1`);
    assert.equal(one.balance, '123456789012345678901234.50');
    assert.deepEqual(one.tags, ['x']);

    const second = await writeThrough(target, config(), [
      accounts,
      recordMessage('accounts', { id: 1, name: 'a1', balance: big, tags: ['x'], active: true }),
      recordMessage('accounts', { id: 2, name: 'renamed', balance: 1.5, tags: ['x'], active: true }),
      recordMessage('accounts', { id: 3, name: 'bad date', balance: 1, seen_at: 'not a date', tags: [], active: true }),
      recordMessage('accounts', { id: 500, name: 'new', balance: 2, tags: [], active: false }),
      recordMessage('accounts', { id: 500, name: 'new again', balance: 2, tags: [], active: false }),
    ]);
    const [same, renamed, badDate, created, again] = atLeast(5, resultsOf(second, 'accounts'));
    assert.deepEqual([same.success, same.existing, same.updated], [true, true, undefined]);
    assert.deepEqual([renamed.success, renamed.updated], [true, true]);
    assert.equal(badDate.success, false);
    assert.match(String(badDate.error), /22007|invalid input syntax/);
    assert.deepEqual([created.success, created.updated, created.id], [true, false, '500']);
    assert.deepEqual([again.success, again.updated], [true, true], 'a key twice in one batch is two statements');
    assert.deepEqual(second.states.at(-1)!.summary, { accounts: { success: 4, fail: 1, existing: 1, updated: 2 } });
    assert.equal((await rows(`select name from "${db.schema}".accounts where id = 500`))[0].name, 'new again');
    assert.equal((await rows(`select count(*)::int as n from "${db.schema}".accounts`))[0].n, 121);
  });

  test('records with externalId upsert natively on the unique external id column; delete by key for rollback', async () => {
    const contacts: SingerMessage = {
      type: 'SCHEMA',
      stream: 'contacts',
      key_properties: [],
      schema: { properties: { externalId: { type: 'string' }, email: { type: 'string' } } },
    };
    const first = await writeThrough(target, config({ table: { contacts: 'people' } }), [
      contacts,
      recordMessage('contacts', { externalId: 'x1', email: 'a@x' }),
      recordMessage('contacts', { externalId: 'x2', email: 'b@x' }),
    ]);
    assert.deepEqual(
      resultsOf(first, 'contacts').map((r) => [r.id, r.externalId, r.success, r.updated]),
      [
        ['x1', 'x1', true, false],
        ['x2', 'x2', true, false],
      ],
    );
    const second = await writeThrough(target, config({ table: { contacts: 'people' } }), [
      contacts,
      recordMessage('contacts', { externalId: 'x1', email: 'changed@x' }),
      recordMessage('contacts', { externalId: 'x2', __sinew_remote_id: 'x2', __sinew_delete: true }),
    ]);
    const [changed, deleted] = atLeast(2, resultsOf(second, 'contacts'));
    assert.deepEqual([changed.success, changed.updated], [true, true]);
    assert.deepEqual([deleted.success, deleted.deleted], [true, true]);
    assert.deepEqual(await rows(`select external_id, email from "${db.schema}".people order by external_id`), [
      { external_id: 'x1', email: 'changed@x' },
    ]);

    // A keyed table: the externalId picks the row, the key is the reported id, delete goes by key.
    const keyed = await writeThrough(target, config(), [
      accounts,
      recordMessage('accounts', { id: 7, externalId: 'acc-7', name: 'seven', balance: 1, tags: [], active: true }),
    ]);
    assert.equal(at(resultsOf(keyed, 'accounts'), 0).id, '7');
    const renamed = await writeThrough(target, config(), [
      accounts,
      recordMessage('accounts', { id: 7, externalId: 'acc-7', name: 'SEVEN', balance: 1, tags: [], active: true }),
    ]);
    assert.equal(at(resultsOf(renamed, 'accounts'), 0).updated, true);
    const removed = await writeThrough(target, config(), [
      accounts,
      recordMessage('accounts', { __sinew_remote_id: '7', __sinew_delete: true }),
    ]);
    assert.equal(at(resultsOf(removed, 'accounts'), 0).success, true);
    assert.equal((await rows(`select count(*)::int as n from "${db.schema}".accounts`))[0].n, 0);
  });

  test('load: copy (the default) — batches go in by COPY, merged by key, the last record of a key winning; a refused row falls back to INSERT', async () => {
    const copy = { connection_string: db.url, schema: db.schema, copy_batch_size: 2500 };
    const big = new LosslessNumber('-12345678901234567890.123456789012345678');
    const record = (i: number, name: string | null) =>
      recordMessage('accounts', {
        id: i,
        name,
        balance: i === 7 ? big : i / 4,
        seen_at: '2024-05-01T10:00:00.5+02:00',
        tags: [i],
        active: i % 2 === 0,
      });
    const first = await writeThrough(target, copy, [
      accounts,
      ...Array.from({ length: 6000 }, (_, i) => record(i + 1, i % 3 === 0 ? null : `tab\there\nline "q" \\ ü ${i + 1}`)),
      record(42, 'the last 42 wins'),
    ]);
    assert.equal(first.states.length, 3, 'batches of 2500: 2500 + 2500 + 1001');
    const results = resultsOf(first, 'accounts');
    assert.equal(results.length, 6001);
    assert.ok(results.every((r) => r.success === true && r.error === null && r.updated === undefined));
    assert.equal(at(results, 6).id, '7');
    assert.deepEqual(await rows(`select count(*)::int as n from "${db.schema}".accounts`), [{ n: 6000 }]);
    const [seven] = await rows(
      `select balance::text, seen_at = '2024-05-01T08:00:00.5Z' as at, tags, active from "${db.schema}".accounts where id = 7`,
    );
    assert.deepEqual(seven, { balance: '-12345678901234567890.123456789012345678', at: true, tags: [7], active: false });
    const [two, four, fortyTwo] = await rows(`select name from "${db.schema}".accounts where id in (2, 4, 42) order by id`);
    assert.equal(two.name, 'tab\there\nline "q" \\ ü 2');
    assert.equal(four.name, null);
    assert.equal(fortyTwo.name, 'the last 42 wins');
    // The first two batches went straight into the new table; the third held 42 again, so it was merged.
    assert.equal(first.logs.filter((l) => /merging by key from now on/.test(l)).length, 1, first.logs.join('\n'));

    // One bad timestamp among 1500: the COPY is refused whole, INSERT writes the rest and fails only it.
    const second = await writeThrough(target, copy, [
      accounts,
      ...Array.from({ length: 1500 }, (_, i) =>
        recordMessage('accounts', {
          id: 10_000 + i,
          name: 'x',
          balance: 1,
          seen_at: i === 700 ? 'not a date' : null,
          tags: [],
          active: true,
        }),
      ),
    ]);
    const outcome = resultsOf(second, 'accounts');
    assert.deepEqual(
      outcome.filter((r) => !r.success).map((r) => r.id),
      [null],
    );
    assert.match(String(outcome[700]!.error), /22007|invalid input syntax/);
    assert.deepEqual(await rows(`select count(*)::int as n from "${db.schema}".accounts where id >= 10000`), [{ n: 1499 }]);
    assert.match(second.logs.join('\n'), /COPY of 1500 .* refused .* writing them by INSERT/);
  });

  test('load: copy into a table of the user without a unique key: nothing goes in twice', async () => {
    // The table exists without a primary key: a COPY straight into it would take every duplicate.
    await client.query(`create table "${db.schema}".ledger (id bigint, note text)`);
    const ledger: SingerMessage = {
      type: 'SCHEMA',
      stream: 'ledger',
      key_properties: ['id'],
      schema: { type: 'object', properties: { id: { type: 'integer' }, note: { type: ['string', 'null'] } } },
    };
    const batch = Array.from({ length: 1200 }, (_, i) => recordMessage('ledger', { id: i % 1000, note: `n${i}` }));
    const run = await writeThrough(target, { connection_string: db.url, schema: db.schema, copy_batch_size: 1200 }, [ledger, ...batch]);
    const results = resultsOf(run, 'ledger');
    assert.equal(results.length, 1200);
    // ON CONFLICT needs the unique key the table lacks: every record fails, and says why.
    assert.ok(results.every((r) => r.success === false && /42P10|no unique or exclusion constraint/.test(String(r.error))));
    assert.deepEqual(await rows(`select count(*)::int as n from "${db.schema}".ledger`), [{ n: 0 }]);
  });

  test('as a Singer target process; an unreachable database exits non-zero', async () => {
    const run = await writeAsSingerProcess('postgres', config(), [
      accounts,
      recordMessage('accounts', { id: new LosslessNumber('98765432109876543210'), name: 'big id', balance: 0.1, tags: [], active: true }),
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(at(resultsOf(run, 'accounts'), 0).id, '98765432109876543210');
    assert.equal((await rows(`select id::text from "${db.schema}".accounts`))[0].id, '98765432109876543210');

    const down = await writeAsSingerProcess('postgres', { connection_string: 'postgres://postgres@127.0.0.1:1/test', schema: db.schema }, [
      accounts,
      recordMessage('accounts', { id: 1 }),
    ]);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /postgres/);
  });
});

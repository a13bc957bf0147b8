import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import mysql from 'mysql2/promise';
import { mysqlConnector } from '../../src/connectors/builtin/mysql/mysql-connector.js';
import type { SourceContext } from '../../src/connectors/sdk/connector.js';
import type { Catalog } from '../../src/model/catalog.js';
import { stringifyJson } from '../../src/singer/lossless-json.js';
import type { RecordMessage, SingerMessage, StateMessage } from '../../src/singer/message.js';
import { mariadbSkipReason } from '../support/mariadb.js';

const source = mysqlConnector.source!;
const LOOPBACK = { allowPrivate: false, allowLoopback: true };

const skip = await mariadbSkipReason();

const records = (ms: SingerMessage[]) => ms.filter((m): m is RecordMessage => m.type === 'RECORD').map((m) => m.record);
const states = (ms: SingerMessage[]) => ms.filter((m): m is StateMessage => m.type === 'STATE').map((m) => m.value);

describe('mysql source (MariaDB)', { skip }, () => {
  const database = `sinew_test_${randomBytes(5).toString('hex')}`;
  let c: mysql.Connection;
  const config = (extra: Record<string, unknown> = {}) => ({ host: '127.0.0.1', user: 'root', database, ...extra });
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
  before(async () => {
    c = await mysql.createConnection({
      host: '127.0.0.1',
      user: 'root',
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: true,
      timezone: 'Z',
    });
    await c.query(`create database ${database}`);
    await c.query(`use ${database}`);
    await c.query("set time_zone = '+00:00'");
    await c.query(`create table items (id bigint unsigned primary key, amount decimal(38,18), big bigint, flag tinyint(1), name varchar(40),
      updated_at datetime(6) not null, stamp timestamp(6) null, payload blob)`);
    await c.query(`insert into items values
      (18446744073709551615, 12345678901234567890.123456789012345678, 9223372036854775807, 1, 'a\ttab', '2024-05-01 10:00:00.000001', '2024-05-01 10:00:00', 'x'),
      (2, -0.000000000000000001, -9223372036854775808, 0, null, '2024-05-02 00:00:00', null, null)`);
  });
  after(async () => {
    await c.query(`drop database if exists ${database}`);
    await c.end();
  });

  test('discover: unsigned 64-bit bounds exact, key, a blob named; sync: values exact against SQL, the blob deselected', async () => {
    const catalog = await source.discover(config(), LOOPBACK);
    const [items] = catalog.streams;
    assert.deepEqual(items!.key_properties, ['id']);
    const props = items!.schema.properties as Record<string, unknown>;
    assert.equal(stringifyJson(props.id), '{"type":"integer","minimum":0,"maximum":18446744073709551615}');
    assert.deepEqual(props.flag, { type: ['boolean', 'null'] });
    await assert.rejects(run(catalog), /column "payload" of table "[^"]+"\."items" \(stream "items"\) has type blob/);
    const chosen = structuredClone(catalog);
    chosen.streams[0]!.metadata = chosen.streams[0]!.metadata!.map((m) =>
      m.breadcrumb[1] === 'payload' ? { ...m, metadata: { ...m.metadata, selected: false } } : m,
    );
    const got = records(await run(chosen));
    const [rows] = await c.query<mysql.RowDataPacket[]>(
      'select cast(id as char) id, cast(amount as char) amount, cast(big as char) big, name, updated_at, stamp from items order by id',
    );
    assert.equal(got.length, rows.length);
    for (const row of rows) {
      const record = got.find((r) => String(r.id) === row.id)!;
      assert.equal(String(record.amount), row.amount);
      assert.equal(String(record.big), row.big);
      assert.equal(record.name, row.name);
      assert.equal(record.updated_at, `${String(row.updated_at).replace(' ', 'T')}+00:00`);
      assert.equal(record.stamp, row.stamp === null ? null : `${String(row.stamp).replace(' ', 'T')}+00:00`);
    }
    assert.match(
      stringifyJson(got.find((r) => String(r.id) === '18446744073709551615')),
      /"id":18446744073709551615,"amount":12345678901234567890\.123456789012345678,"big":9223372036854775807,"flag":true,"name":"a\\ttab"/,
    );
  });

  test('incremental across three runs: >= the bookmark, nothing lost; clear errors', async () => {
    const cfg = config({ replication_keys: { items: 'updated_at' } });
    const catalog = await source.discover(cfg, LOOPBACK);
    catalog.streams[0]!.metadata = catalog.streams[0]!.metadata!.map((m) =>
      m.breadcrumb[1] === 'payload' ? { ...m, metadata: { ...m.metadata, selected: false } } : m,
    );
    const first = await run(catalog, {}, cfg);
    assert.equal(records(first).length, 2);
    const state1 = states(first).at(-1)!;
    assert.equal(
      stringifyJson(state1),
      '{"bookmarks":{"items":{"replication_key":"updated_at","replication_key_value":"2024-05-02T00:00:00.000000+00:00"}}}',
    );
    await c.query("insert into items (id, updated_at) values (3, '2024-05-02 00:00:00'), (4, '2024-05-03 00:00:00.5')");
    const second = await run(catalog, state1, cfg);
    assert.deepEqual(
      records(second).map((r) => String(r.id)),
      ['2', '3', '4'],
    );
    const third = await run(catalog, states(second).at(-1)!, cfg);
    assert.deepEqual(
      records(third).map((r) => String(r.id)),
      ['4'],
    );

    await assert.rejects(
      run(null, {}, config({ user: 'no_such_user_x', password: 'x' })),
      /refused the credentials for 127\.0\.0\.1:3306\/.* as no_such_user_x/,
    );
    await c.query('drop table items');
    await assert.rejects(run(catalog, {}, cfg), /table "[^"]+"\."items" of stream "items" no longer exists/);
    await assert.rejects(source.discover(config()), /refused to connect to 127\.0\.0\.1: .*loopback/);
  });
});

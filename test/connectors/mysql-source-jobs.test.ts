import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LosslessNumber } from 'lossless-json';
import mysql from 'mysql2/promise';
import { parseJson, stringifyJson } from '../../src/singer/lossless-json.js';
import { jsonlDestination, jsonlLineCount } from '../support/jsonl-destination.js';
import { mariadbSkipReason } from '../support/mariadb.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';

const skip = await mariadbSkipReason();

/** A record as the destination must hold it, built from the texts MariaDB prints for the same row. */
type ItemRow = [string, string | null, string | null, string | null, string, string | null];

function expectedRecord(row: ItemRow): string {
  const [id, amount, big, name, updatedAt, doc] = row;
  // The text MariaDB printed, as a number printed back exactly.
  const number = (text: string | null) => (text === null ? null : new LosslessNumber(text));
  return stringifyJson({
    id: number(id),
    amount: number(amount!),
    big: number(big!),
    name,
    updated_at: `${updatedAt.replace(' ', 'T')}+00:00`,
    doc: doc === null ? null : parseJson(doc),
  });
}

describe('mysql source (MariaDB) through the API: three incremental jobs into jsonl', { skip }, () => {
  const database = `sinew_jobs_${randomBytes(5).toString('hex')}`;
  let h: Harness;
  let c: mysql.Connection;
  before(async () => {
    h = await startHarness();
    c = await mysql.createConnection({ host: '127.0.0.1', user: 'root', timezone: 'Z' });
    await c.query(`create database ${database}`);
    await c.query(`use ${database}`);
    await c.query("set time_zone = '+00:00'");
    // doc: MariaDB's JSON is a LONGTEXT with a json_valid check; the source must read it as JSON, numbers exact.
    await c.query(`create table items (id bigint unsigned primary key, amount decimal(38,18), big bigint, name varchar(40),
      updated_at datetime(6) not null, doc json)`);
  });
  after(async () => {
    await c.query(`drop database if exists ${database}`);
    await c.end();
    await h.stop();
  });

  const destination = (out: string) => jsonlDestination(out, 'items', ['id', 'amount', 'big', 'name', 'updated_at', 'doc']);
  async function expected(): Promise<string[]> {
    const [rows] = await c.query({
      sql: 'select id, amount, big, name, updated_at, doc from items order by id',
      rowsAsArray: true,
      typeCast: (field: { string(): string | null }) => field.string(),
    });
    return (rows as ItemRow[]).map(expectedRecord);
  }
  const lineCount = (out: string) => jsonlLineCount(out, 'items');

  test('nothing lost, values exact (decimal(38,18), unsigned 64-bit, datetime(6), JSON), the boundary row again', async () => {
    const out = await h.tmp('mysql-out');
    const flow = await h.api('PUT', `/${h.envId}/flows/mysqlsrc`, {
      name: 'mysql',
      type: 'v1-source',
      connectors: ['mysql'],
      target: { connector: 'jsonl', config: { path: out } },
    });
    assert.equal(flow.status, 200, flow.text);
    const config = { host: '127.0.0.1', user: 'root', database, replication_keys: { items: 'updated_at' } };
    const link = await h.api('POST', `/${h.envId}/mysqlsrc/t1/linkedSources`, { source: { tap: 'mysql', config } });
    assert.equal(link.status, 200, link.text);
    const runJob = async () => {
      const created = await h.api('POST', `/${h.envId}/mysqlsrc/t1/jobs`, {});
      assert.equal(created.status, 200, created.text);
      const job = await h.waitForJob('mysqlsrc', 't1', created.body.job_id, { timeoutMs: 60_000 });
      assert.equal(job.status, 'JOB_COMPLETED', job.error ?? job.message);
      return job;
    };

    await c.query(`insert into items values
      (18446744073709551615, 12345678901234567890.123456789012345678, 9223372036854775807, 'max', '2024-05-01 10:00:00.000001', '{"big": 123456789012345678901, "x": [1.50]}'),
      (2, -0.000000000000000001, -9223372036854775808, null, '2024-05-01 11:00:00', null),
      (3, null, 9007199254740993, 'tab\\there', '2024-05-02 00:00:00', '[]')`);
    await runJob();
    assert.deepEqual(await destination(out), await expected());
    assert.equal(await lineCount(out), 3);
    const state = (await h.api('GET', `/${h.envId}/mysqlsrc/t1/linkedSources/state`)).body;
    assert.equal(
      stringifyJson(state),
      '{"bookmarks":{"items":{"replication_key":"updated_at","replication_key_value":"2024-05-02T00:00:00.000000+00:00"}}}',
    );
    const firstLine = (await fs.readFile(path.join(out, 'items.jsonl'), 'utf8')).split('\n').find((l) => l.includes('"max"'))!;
    assert.match(firstLine, /"doc":\{"big":123456789012345678901,"x":\[1\.50\]\}/, 'the JSON column is JSON, its numbers exact');

    // A row sharing the bookmark's instant, written after the job: >= keeps it.
    await c.query(`insert into items values (4, 1.5, 1, 'same instant', '2024-05-02 00:00:00', '{"a": null}'),
      (5, 99999999999999999999.999999999999999999, 2, 'later', '2024-05-03 00:00:00', null)`);
    const second = await runJob();
    assert.equal(second.sync_type, 'incremental_sync');
    assert.deepEqual(await destination(out), await expected());
    assert.equal(await lineCount(out), 3 + 3, 'rows 3 (the boundary, again), 4 and 5');

    await c.query(`update items set name = 'changed', updated_at = '2024-05-04 00:00:00' where id = 2`);
    await c.query(`insert into items values (6, 0.000000000000000001, 9223372036854775806, 'six', '2024-05-04 00:00:00', '{"n": 1e400}')`);
    await runJob();
    assert.deepEqual(await destination(out), await expected());
    assert.equal(await lineCount(out), 6 + 1 + 2, 'row 5 (the boundary), then 2 and 6');
  });
});

import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LosslessNumber } from 'lossless-json';
import { csvConnector } from '../../src/connectors/builtin/csv/csv-connector.js';
import { jsonlConnector } from '../../src/connectors/builtin/jsonl/jsonl-connector.js';
import type { TargetConnector } from '../../src/connectors/sdk/connector.js';
import { isSinewError } from '../../src/errors/sinew-error.js';
import { parseJson } from '../../src/singer/lossless-json.js';
import type { SingerMessage } from '../../src/singer/message.js';
import { at } from '../support/elements.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/singer-sdk-streams/', import.meta.url));

async function* each(messages: SingerMessage[]): AsyncGenerator<SingerMessage> {
  yield* messages;
}

async function runTarget(
  target: TargetConnector,
  config: Record<string, unknown>,
  messages: SingerMessage[],
  onState?: () => Promise<void>,
) {
  const states: unknown[] = [];
  const logs: string[] = [];
  await target.write(
    {
      config,
      emitState: async (v) => {
        await onState?.();
        states.push(v);
      },
      log: (m) => void logs.push(m),
    },
    each(messages),
  );
  return { states, logs };
}

async function fixture(name: string): Promise<SingerMessage[]> {
  const text = await readFile(join(FIXTURES, name), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => parseJson(l) as SingerMessage);
}

const usersSchema: SingerMessage = {
  type: 'SCHEMA',
  stream: 'users',
  key_properties: ['id'],
  schema: {
    type: 'object',
    properties: { id: { type: 'integer' }, name: { type: 'string' }, meta: { type: 'object' }, big: { type: 'integer' } },
  },
};

describe('file targets', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sinew-target-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  test('csv: header once, nested values as JSON, big numbers exact, STATE after the flush', async () => {
    const target = csvConnector.target!;
    const first = await runTarget(
      target,
      { path: dir },
      [
        usersSchema,
        {
          type: 'RECORD',
          stream: 'users',
          record: {
            id: 1,
            name: 'Ann, "A"',
            meta: { tags: ['x'], n: new LosslessNumber('1.50') },
            big: new LosslessNumber('12345678901234567890'),
          },
        },
        { type: 'STATE', value: { bookmarks: { users: 1 } } },
        { type: 'RECORD', stream: 'users', record: { id: 2, name: null } },
        { type: 'STATE', value: { bookmarks: { users: 2 } } },
      ],
      async () => {
        // When the STATE is emitted, both rows must already be on disk.
        assert.equal((await readFile(join(dir, 'users.csv'), 'utf8')).split('\n').length, 4);
      },
    );
    assert.deepEqual(first.states, [{ bookmarks: { users: 2 } }]);
    assert.equal(
      await readFile(join(dir, 'users.csv'), 'utf8'),
      'id,name,meta,big\n1,"Ann, ""A""","{""tags"":[""x""],""n"":1.50}",12345678901234567890\n2,,,\n',
    );

    const second = await runTarget(target, { path: dir }, [
      { ...usersSchema, schema: { type: 'object', properties: { id: {}, name: {}, extra: {} } } } as SingerMessage,
      { type: 'RECORD', stream: 'users', record: { id: 3, name: 'Cy', extra: 'dropped' } },
    ]);
    assert.deepEqual(second.states, []);
    assert.equal(
      await readFile(join(dir, 'users.csv'), 'utf8'),
      'id,name,meta,big\n1,"Ann, ""A""","{""tags"":[""x""],""n"":1.50}",12345678901234567890\n2,,,\n3,Cy,,\n',
    );
    assert.equal(second.logs.length, 1);
    assert.match(at(second.logs, 0), /users.*1 value.*extra/);
  });

  test('csv: a SCHEMA update before the first row shapes a new file; schemaless streams use record keys', async () => {
    await runTarget(csvConnector.target!, { path: dir }, [
      usersSchema,
      { type: 'SCHEMA', stream: 'users', schema: { properties: { id: {}, email: {} } } },
      { type: 'RECORD', stream: 'users', record: { id: 1, email: 'a@b.c' } },
      { type: 'SCHEMA', stream: 'free', schema: { type: 'object' } },
      { type: 'RECORD', stream: 'free', record: { b: 1, a: [1, 2] } },
    ]);
    assert.equal(await readFile(join(dir, 'users.csv'), 'utf8'), 'id,email\n1,a@b.c\n');
    assert.equal(await readFile(join(dir, 'free.csv'), 'utf8'), 'b,a\n1,"[1,2]"\n');
  });

  test('csv: appends to a hand-made file without a final newline, using its header', async () => {
    await writeFile(join(dir, 'users.csv'), 'name,id\nZed,9');
    await runTarget(csvConnector.target!, { path: dir }, [
      usersSchema,
      { type: 'RECORD', stream: 'users', record: { id: 1, name: 'Ann' } },
    ]);
    assert.equal(await readFile(join(dir, 'users.csv'), 'utf8'), 'name,id\nZed,9\nAnn,1\n');
  });

  test('csv: singer fixture with arrays', async () => {
    const { states } = await runTarget(csvConnector.target!, { path: dir }, await fixture('array_data.singer'));
    assert.equal(
      await readFile(join(dir, 'test_array_data.csv'), 'utf8'),
      'id,fruits\n1,"[""apple"",""orange"",""pear""]"\n2,"[""banana"",""apple""]"\n3,"[""pear""]"\n4,"[""orange"",""banana"",""apple"",""pear""]"\n',
    );
    assert.deepEqual(states, [{ test_array_data: 4 }]);
  });

  test('record before schema fails naming the stream (csv and jsonl)', async () => {
    for (const target of [csvConnector.target!, jsonlConnector.target!]) {
      await assert.rejects(
        runTarget(target, { path: dir }, await fixture('record_before_schema.singer')),
        (e) => isSinewError(e) && e.code === 'CONNECTOR_FAILED' && e.message.includes('"test_record_before_schema"'),
      );
    }
  });

  test('jsonl: appends whole records, numbers exact, unsafe stream names kept inside the directory', async () => {
    const target = jsonlConnector.target!;
    const big = {
      type: 'RECORD',
      stream: 'users',
      record: { id: new LosslessNumber('12345678901234567890'), price: new LosslessNumber('1.50'), nested: { a: [1, { b: null }] } },
    } as SingerMessage;
    const { states } = await runTarget(target, { path: dir }, [usersSchema, big, { type: 'STATE', value: { s: 1 } }]);
    assert.deepEqual(states, [{ s: 1 }]);
    await runTarget(target, { path: dir }, [
      usersSchema,
      { type: 'RECORD', stream: 'users', record: { id: 2 } },
      { type: 'SCHEMA', stream: '../evil', schema: { properties: {} } },
      { type: 'RECORD', stream: '../evil', record: { x: 1 } },
    ]);
    assert.equal(
      await readFile(join(dir, 'users.jsonl'), 'utf8'),
      '{"id":12345678901234567890,"price":1.50,"nested":{"a":[1,{"b":null}]}}\n{"id":2}\n',
    );
    assert.deepEqual((await readdir(dir)).sort(), ['.._evil.jsonl', 'users.jsonl']);
  });

  test('target config validation: a file in the way of the directory, an unknown mode', async () => {
    await writeFile(join(dir, 'a-file'), 'x');
    for (const target of [csvConnector.target!, jsonlConnector.target!]) {
      for (const path of [join(dir, 'a-file'), join(dir, 'a-file', 'below')]) {
        await assert.rejects(
          runTarget(target, { path }, []),
          (e) => isSinewError(e) && e.code === 'VALIDATION_FAILED' && /not a directory/.test(e.message),
        );
      }
    }
    const badMode = { path: join(dir, 'never-made'), mode: 'replace' };
    await assert.rejects(
      runTarget(jsonlConnector.target!, badMode, []),
      (e) => isSinewError(e) && e.code === 'VALIDATION_FAILED' && /config\.mode/.test(e.message),
    );
    assert.deepEqual((await readdir(dir)).sort(), ['a-file'], 'a refused config creates no directory');
  });

  test('csv and jsonl targets create a missing directory, parents included', async () => {
    const nested = join(dir, 'x', 'y');
    await runTarget(csvConnector.target!, { path: join(nested, 'csv') }, [
      usersSchema,
      { type: 'RECORD', stream: 'users', record: { id: 1 } },
    ]);
    await runTarget(jsonlConnector.target!, { path: join(nested, 'jsonl') }, [
      usersSchema,
      { type: 'RECORD', stream: 'users', record: { id: 1 } },
    ]);
    assert.equal(await readFile(join(nested, 'csv', 'users.csv'), 'utf8'), 'id,name,meta,big\n1,,,\n');
    assert.equal(await readFile(join(nested, 'jsonl', 'users.jsonl'), 'utf8'), '{"id":1}\n');
  });

  test('jsonl overwrite: two stream names that share a file are emptied once per run, not once per stream', async () => {
    const config = { path: dir, mode: 'overwrite' };
    const twoNames = (id: number): SingerMessage[] => [
      { type: 'SCHEMA', stream: 'a/b', schema: { properties: {} } },
      { type: 'RECORD', stream: 'a/b', record: { id } },
      { type: 'SCHEMA', stream: 'a_b', schema: { properties: {} } },
      { type: 'RECORD', stream: 'a_b', record: { id: id + 1 } },
    ];
    await runTarget(jsonlConnector.target!, config, twoNames(1));
    await runTarget(jsonlConnector.target!, config, twoNames(10));
    assert.equal(await readFile(join(dir, 'a_b.jsonl'), 'utf8'), '{"id":10}\n{"id":11}\n');
  });
});

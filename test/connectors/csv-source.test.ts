import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isLosslessNumber } from 'lossless-json';
import { csvConnector } from '../../src/connectors/builtin/csv/csv-connector.js';
import type { SourceContext } from '../../src/connectors/sdk/connector.js';
import { isSinewError } from '../../src/errors/sinew-error.js';
import type { Catalog } from '../../src/model/catalog.js';
import type { RecordMessage, SingerMessage, StateMessage } from '../../src/singer/message.js';
import { at } from '../support/elements.js';

const source = csvConnector.source!;

async function run(config: Record<string, unknown>, catalog: Catalog | null = null, state: Record<string, unknown> = {}) {
  const messages: SingerMessage[] = [];
  const ctx: SourceContext = { config, catalog, state, out: { write: (m) => void messages.push(m) }, log: () => {} };
  await source.sync(ctx);
  return messages;
}
const records = (ms: SingerMessage[], stream: string) =>
  ms.filter((m): m is RecordMessage => m.type === 'RECORD' && m.stream === stream).map((m) => m.record);
const states = (ms: SingerMessage[]) => ms.filter((m): m is StateMessage => m.type === 'STATE').map((m) => m.value);

describe('csv source', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sinew-csv-src-'));
    await writeFile(
      join(dir, 'users.csv'),
      'id,name,score,active,updated_at,zip,big\n' +
        '1,Ann,1.5,true,2024-01-01T00:00:00Z,02134,12345678901234567890\n' +
        '2,"Bo, Jr.",2,false,2024-01-03T00:00:00Z,10001,1\n' +
        '3,,,TRUE,2024-01-02T00:00:00Z,,\n',
    );
    await writeFile(join(dir, 'tags.csv'), 'label,weight\nred,3\n"blue",4\n');
    await writeFile(join(dir, 'notes.txt'), 'not a stream');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('discover: one stream per csv file, inferred types, keys and replication key', async () => {
    const catalog = await source.discover({ path: dir });
    assert.deepEqual(
      catalog.streams.map((s) => s.stream),
      ['tags', 'users'],
    );
    const users = catalog.streams.find((s) => s.stream === 'users')!;
    assert.deepEqual(users.schema.properties, {
      id: { type: ['integer', 'null'] },
      name: { type: ['string', 'null'] },
      score: { type: ['number', 'null'] },
      active: { type: ['boolean', 'null'] },
      updated_at: { type: ['string', 'null'], format: 'date-time' },
      zip: { type: ['string', 'null'] },
      big: { type: ['integer', 'null'] },
    });
    assert.deepEqual(users.key_properties, ['id']);
    assert.equal(users.replication_key, 'updated_at');
    const streamMeta = users.metadata!.find((m) => m.breadcrumb.length === 0)!.metadata;
    assert.deepEqual(streamMeta['valid-replication-keys'], ['updated_at']);
    const tags = catalog.streams.find((s) => s.stream === 'tags')!;
    assert.deepEqual(tags.key_properties, []);
    assert.equal(tags.replication_key, undefined);
  });

  test('full sync with no catalog: typed values, exact big integers, empty cells null', async () => {
    const ms = await run({ path: dir, delimiter: ',' });
    assert.equal(at(ms, 0).type, 'SCHEMA');
    const users = records(ms, 'users');
    assert.equal(users.length, 3);
    assert.deepEqual(
      { ...users[0], big: undefined },
      {
        id: 1,
        name: 'Ann',
        score: 1.5,
        active: true,
        updated_at: '2024-01-01T00:00:00Z',
        zip: '02134',
        big: undefined,
      },
    );
    assert.ok(isLosslessNumber(at(users, 0).big));
    assert.equal(String(at(users, 0).big), '12345678901234567890');
    assert.equal(at(users, 1).name, 'Bo, Jr.');
    assert.deepEqual([at(users, 2).name, at(users, 2).score, at(users, 2).active], [null, null, true]);
    // No bookmark yet, but a replication key: the first run records one for the next run.
    assert.deepEqual(states(ms).at(-1), {
      bookmarks: { users: { replication_key: 'updated_at', replication_key_value: '2024-01-03T00:00:00Z' } },
    });
  });

  test('stream and field deselection through catalog metadata', async () => {
    const catalog = await source.discover({ path: dir });
    for (const s of catalog.streams) {
      const streamMeta = s.metadata!.find((m) => m.breadcrumb.length === 0)!;
      streamMeta.metadata.selected = s.stream === 'users';
      if (s.stream === 'users') {
        s.metadata!.push({ breadcrumb: ['properties', 'score'], metadata: { selected: false } });
        s.metadata!.find((m) => m.breadcrumb[1] === 'zip')!.metadata.selected = false;
      }
    }
    const ms = await run({ path: dir }, catalog);
    assert.deepEqual([...new Set(ms.filter((m) => 'stream' in m).map((m) => (m as RecordMessage).stream))], ['users']);
    const schema = ms.find((m) => m.type === 'SCHEMA')!;
    assert.ok(schema.type === 'SCHEMA');
    assert.deepEqual(Object.keys(schema.schema.properties as object), ['id', 'name', 'active', 'updated_at', 'big']);
    assert.deepEqual(Object.keys(at(records(ms, 'users'), 0)), ['id', 'name', 'active', 'updated_at', 'big']);
  });

  test('incremental: second run emits only rows newer than the bookmark, keeps other bookmarks', async () => {
    const catalog = await source.discover({ path: dir });
    const first = await run({ path: dir }, catalog, { bookmarks: { other: { replication_key: 'x', replication_key_value: 7 } } });
    const state = states(first).at(-1)!;
    assert.deepEqual(state.bookmarks, {
      other: { replication_key: 'x', replication_key_value: 7 },
      users: { replication_key: 'updated_at', replication_key_value: '2024-01-03T00:00:00Z' },
    });
    await writeFile(join(dir, 'users.csv'), '4,Dee,3,true,2024-02-01T00:00:00+01:00,,\n5,Eve,1,false,2023-12-31T00:00:00Z,,\n', {
      flag: 'a',
    });
    const second = await run({ path: dir }, catalog, state);
    assert.deepEqual(
      records(second, 'users').map((r) => r.id),
      [4],
    );
    assert.deepEqual(states(second).at(-1), {
      bookmarks: {
        other: { replication_key: 'x', replication_key_value: 7 },
        users: { replication_key: 'updated_at', replication_key_value: '2024-02-01T00:00:00+01:00' },
      },
    });
    // FULL_TABLE chosen in the catalog: every row, no bookmark emitted.
    const full = structuredClone(catalog);
    full.streams.find((s) => s.stream === 'users')!.metadata!.find((m) => m.breadcrumb.length === 0)!.metadata['replication-method'] =
      'FULL_TABLE';
    const third = await run({ path: dir }, full, state);
    assert.equal(records(third, 'users').length, 5);
    assert.equal(states(third).length, 0);
  });

  test('config validation: missing, nonexistent and non-directory path, bad delimiter', async () => {
    const expectInvalid = async (config: Record<string, unknown>, pattern: RegExp) => {
      await assert.rejects(source.discover(config), (e) => isSinewError(e) && e.code === 'VALIDATION_FAILED' && pattern.test(e.message));
    };
    await expectInvalid({}, /config\.path is required/);
    await expectInvalid({ path: join(dir, 'nope') }, /does not exist/);
    await expectInvalid({ path: join(dir, 'notes.txt') }, /not a directory/);
    await expectInvalid({ path: dir, delimiter: '' }, /delimiter/);
  });

  test('a configured delimiter is used', async () => {
    const semi = await mkdtemp(join(tmpdir(), 'sinew-csv-semi-'));
    try {
      await writeFile(join(semi, 'tags.csv'), 'label;weight\nred;3\n"a;b";4.25\n');
      const ms = await run({ path: semi, delimiter: ';' });
      assert.deepEqual(records(ms, 'tags'), [
        { label: 'red', weight: 3 },
        { label: 'a;b', weight: 4.25 },
      ]);
    } finally {
      await rm(semi, { recursive: true, force: true });
    }
  });

  test('a selected stream without its file is a clear error; a ragged file names the file', async () => {
    const catalog: Catalog = { streams: [{ tap_stream_id: 'ghost', stream: 'ghost', schema: { type: 'object', properties: {} } }] };
    await assert.rejects(run({ path: dir }, catalog), (e) => isSinewError(e) && /ghost/.test(e.message));
    const bad = await mkdtemp(join(tmpdir(), 'sinew-csv-bad-'));
    try {
      await writeFile(join(bad, 'x.csv'), 'a,b\n1,2,3\n');
      await assert.rejects(run({ path: bad }), (e) => isSinewError(e) && e.code === 'CONNECTOR_FAILED' && e.message.includes('x.csv'));
    } finally {
      await rm(bad, { recursive: true, force: true });
    }
  });
});

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'lossless-json';
import { jsonlConnector } from '../../src/connectors/builtin/jsonl/jsonl-connector.js';
import type { SourceContext } from '../../src/connectors/sdk/connector.js';
import { isSinewError } from '../../src/errors/sinew-error.js';
import type { Catalog } from '../../src/model/catalog.js';
import type { RecordMessage, SingerMessage, StateMessage } from '../../src/singer/message.js';
import { at, atLeast } from '../support/elements.js';

const source = jsonlConnector.source!;

async function run(config: Record<string, unknown>, catalog: Catalog | null = null, state: Record<string, unknown> = {}) {
  const messages: SingerMessage[] = [];
  const ctx: SourceContext = { config, catalog, state, out: { write: (m) => void messages.push(m) }, log: () => {} };
  await source.sync(ctx);
  return messages;
}
const records = (ms: SingerMessage[], stream: string) =>
  ms.filter((m): m is RecordMessage => m.type === 'RECORD' && m.stream === stream).map((m) => m.record);
const states = (ms: SingerMessage[]) => ms.filter((m): m is StateMessage => m.type === 'STATE').map((m) => m.value);

const LINES = [
  '{"id": 1, "name": "Ann", "price": 1.50, "big": 12345678901234567890, "tags": ["a"], "address": {"city": "Oslo"}, "updated_at": 100}',
  '{"id": 2, "name": null, "price": 2, "big": 1, "tags": [], "address": {"city": "Rome", "zip": "00100"}, "updated_at": 300}',
  '',
  '{"id": 3, "name": "Cy", "price": 1e3, "big": 2, "tags": ["b", "c"], "address": null, "updated_at": 200}',
];

describe('jsonl source', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sinew-jsonl-src-'));
    await writeFile(join(dir, 'orders.jsonl'), `${LINES.join('\r\n')}\n`);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('discover infers nested types, id key and updated_at replication key', async () => {
    const { streams } = await source.discover({ path: dir });
    assert.equal(streams.length, 1);
    const [orders] = atLeast(1, streams);
    assert.equal(orders.stream, 'orders');
    assert.deepEqual(orders.key_properties, ['id']);
    assert.equal(orders.replication_key, 'updated_at');
    assert.deepEqual(orders.schema.properties, {
      id: { type: ['integer', 'null'] },
      name: { type: ['string', 'null'] },
      price: { type: ['number', 'null'] },
      big: { type: ['integer', 'null'] },
      tags: { type: ['array', 'null'], items: { type: ['string', 'null'] } },
      address: {
        type: ['object', 'null'],
        properties: { city: { type: ['string', 'null'] }, zip: { type: ['string', 'null'] } },
      },
      updated_at: { type: ['integer', 'null'] },
    });
  });

  test('full sync keeps every number byte for byte', async () => {
    const ms = await run({ path: dir });
    const orders = records(ms, 'orders');
    assert.equal(orders.length, 3);
    assert.deepEqual(
      orders.map((r) => stringify(r)),
      LINES.filter((l) => l !== '').map((l) => l.replace(/": /g, '":').replace(/, /g, ',')),
    );
    assert.deepEqual(states(ms).at(-1), { bookmarks: { orders: { replication_key: 'updated_at', replication_key_value: 300 } } });
  });

  test('incremental run and field deselection', async () => {
    const catalog = await source.discover({ path: dir });
    at(catalog.streams, 0).metadata!.push({ breadcrumb: ['properties', 'tags'], metadata: { selected: false } });
    const ms = await run({ path: dir }, catalog, {
      bookmarks: { orders: { replication_key: 'updated_at', replication_key_value: 150 } },
    });
    assert.deepEqual(
      records(ms, 'orders').map((r) => [r.id, 'tags' in r]),
      [
        [2, false],
        [3, false],
      ],
    );
    assert.deepEqual(states(ms).at(-1), { bookmarks: { orders: { replication_key: 'updated_at', replication_key_value: 300 } } });
  });

  test('a line that is not a JSON object fails with file and line', async () => {
    const bad = await mkdtemp(join(tmpdir(), 'sinew-jsonl-bad-'));
    try {
      await writeFile(join(bad, 'x.jsonl'), '{"a":1}\n[1,2]\n');
      await assert.rejects(run({ path: bad }), (e) => isSinewError(e) && /x\.jsonl, non-empty line 2: not a JSON object/.test(e.message));
      await writeFile(join(bad, 'x.jsonl'), '{"a":1}\n{"a":\n');
      await assert.rejects(
        run({ path: bad }),
        (e) => isSinewError(e) && e.code === 'CONNECTOR_FAILED' && /non-empty line 2/.test(e.message),
      );
    } finally {
      await rm(bad, { recursive: true, force: true });
    }
  });

  test('config validation', async () => {
    await assert.rejects(
      source.sync({ config: { path: 42 }, catalog: null, state: {}, out: { write() {} }, log() {} }),
      (e) => isSinewError(e) && e.code === 'VALIDATION_FAILED' && /jsonl: config\.path/.test(e.message),
    );
  });
});

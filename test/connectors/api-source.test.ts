import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { apiConnector } from '../../src/connectors/builtin/api/api-connector.js';
import { builtinConnectors, getBuiltinConnector } from '../../src/connectors/builtin/registry.js';
import type { SourceContext } from '../../src/connectors/sdk/connector.js';
import { isSinewError } from '../../src/errors/sinew-error.js';
import type { Catalog } from '../../src/model/catalog.js';
import type { SingerMessage } from '../../src/singer/message.js';
import { at, atLeast } from '../support/elements.js';

const source = apiConnector.source!;

async function run(state: Record<string, unknown>, catalog: Catalog | null = null) {
  const messages: SingerMessage[] = [];
  const ctx: SourceContext = { config: {}, catalog, state, out: { write: (m) => void messages.push(m) }, log: () => {} };
  await source.sync(ctx);
  return messages;
}

describe('api source', () => {
  test('discover returns an empty catalog', async () => {
    assert.deepEqual(await source.discover({}), { streams: [] });
  });

  test('emits SCHEMA and RECORDs per array key, keyed by externalId, id or nothing; no bookmarks', async () => {
    const ms = await run({
      Contacts: [
        { externalId: 'c-1', name: 'Ann', updated_at: '2024-01-01T00:00:00Z', address: { city: 'Oslo' } },
        { externalId: 'c-2', id: 7, name: 'Bo' },
      ],
      Deals: [
        { id: 1, amount: 10.5 },
        { id: 2, amount: 3 },
      ],
      Notes: [{ text: 'a' }, { text: 'b', externalId: 'n-2' }],
      bookmarks: { Contacts: { replication_key: 'updated_at', replication_key_value: '2030-01-01' } },
    });
    assert.deepEqual(
      ms.map((m) => `${m.type}:${'stream' in m ? m.stream : ''}`),
      [
        'SCHEMA:Contacts',
        'RECORD:Contacts',
        'RECORD:Contacts',
        'SCHEMA:Deals',
        'RECORD:Deals',
        'RECORD:Deals',
        'SCHEMA:Notes',
        'RECORD:Notes',
        'RECORD:Notes',
      ],
    );
    const schemas = ms.filter((m) => m.type === 'SCHEMA');
    assert.deepEqual(
      schemas.map((m) => m.type === 'SCHEMA' && m.key_properties),
      [['externalId'], ['id'], []],
    );
    const [contactsSchema, dealsSchema] = atLeast(2, schemas);
    const contacts = contactsSchema.type === 'SCHEMA' ? contactsSchema.schema : {};
    assert.deepEqual(contacts.properties, {
      externalId: { type: ['string', 'null'] },
      name: { type: ['string', 'null'] },
      updated_at: { type: ['string', 'null'], format: 'date-time' },
      address: { type: ['object', 'null'], properties: { city: { type: ['string', 'null'] } } },
      id: { type: ['integer', 'null'] },
    });
    const deals = dealsSchema.type === 'SCHEMA' ? dealsSchema.schema : {};
    assert.deepEqual(deals.properties, { id: { type: ['integer', 'null'] }, amount: { type: ['number', 'null'] } });
    const record = at(ms, 1);
    assert.deepEqual(record.type === 'RECORD' && record.record, {
      externalId: 'c-1',
      name: 'Ann',
      updated_at: '2024-01-01T00:00:00Z',
      address: { city: 'Oslo' },
    });
  });

  test('a catalog entry can deselect a stream or a field', async () => {
    const catalog: Catalog = {
      streams: [
        { tap_stream_id: 'A', stream: 'A', schema: {}, metadata: [{ breadcrumb: [], metadata: { selected: false } }] },
        {
          tap_stream_id: 'B',
          stream: 'B',
          schema: {},
          metadata: [{ breadcrumb: ['properties', 'secret'], metadata: { selected: false } }],
        },
      ],
    };
    const ms = await run({ A: [{ id: 1 }], B: [{ id: 1, secret: 's' }] }, catalog);
    assert.deepEqual(
      ms.map((m) => m.type),
      ['SCHEMA', 'RECORD'],
    );
    const record = at(ms, 1);
    assert.deepEqual(record.type === 'RECORD' && record.record, { id: 1 });
  });

  test('a record that is not an object is a validation error naming the stream', async () => {
    await assert.rejects(
      run({ Contacts: [{ id: 1 }, 'oops'] }),
      (e) => isSinewError(e) && e.code === 'VALIDATION_FAILED' && e.message.includes('state.Contacts[1]'),
    );
  });
});

describe('builtin registry', () => {
  test('lists every built-in with its roles', () => {
    assert.deepEqual([...builtinConnectors.keys()].sort(), ['api', 'csv', 'http', 'hubspot', 'jsonl', 'mysql', 'postgres', 'salesforce']);
    for (const [id, c] of builtinConnectors) {
      assert.equal(c.definition.id, id);
      assert.equal(Boolean(c.source), c.definition.kind !== 'target');
      assert.equal(Boolean(c.target), c.definition.kind !== 'source');
      assert.equal(c.definition.config_schema.type, 'object');
    }
    assert.equal(getBuiltinConnector('api')?.definition.kind, 'source');
    assert.equal(getBuiltinConnector('nope'), undefined);
  });
});

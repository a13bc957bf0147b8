import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Catalog, CatalogStream } from '../../src/model/catalog.js';
import { applySelection, isStreamSelected, selectedProperties, selectedStreams } from '../../src/singer/catalog-selection.js';
import { at, atLeast } from '../support/elements.js';

function stream(name: string, extra: Partial<CatalogStream> = {}): CatalogStream {
  return {
    tap_stream_id: name,
    stream: name,
    schema: {
      type: 'object',
      properties: { id: { type: 'integer' }, name: { type: 'string' }, email: { type: 'string' }, updated_at: { type: 'string' } },
    },
    key_properties: ['id'],
    metadata: [
      { breadcrumb: [], metadata: { 'valid-replication-keys': ['updated_at'], 'table-key-properties': ['id'] } },
      { breadcrumb: ['properties', 'id'], metadata: { inclusion: 'automatic', 'sql-datatype': 'int' } },
      { breadcrumb: ['properties', 'email'], metadata: { inclusion: 'unsupported' } },
    ],
    ...extra,
  };
}
const catalog = (): Catalog => ({ streams: [stream('users'), stream('orders', { metadata: [] })] });

/** singer-python's metadata.to_map, keyed by the JSON of the breadcrumb tuple. */
function toMap(s: CatalogStream): Map<string, Record<string, unknown>> {
  return new Map((s.metadata ?? []).map((m) => [JSON.stringify(m.breadcrumb), m.metadata]));
}

describe('applySelection', () => {
  test('a field map selects its streams and fields; stream metadata as singer-python reads it', () => {
    const input = catalog();
    const out = applySelection(input, { fieldMap: { users: { fields: { name: 'full_name', email: true, updated_at: false } } } });
    const [users, orders] = atLeast(2, out.streams);
    const md = toMap(users);
    assert.deepEqual(md.get('[]'), {
      'valid-replication-keys': ['updated_at'],
      'table-key-properties': ['id'],
      selected: true,
      'replication-method': 'INCREMENTAL',
      'replication-key': 'updated_at',
    });
    assert.equal(users.selected, true, 'legacy flag for old taps');
    assert.equal(users.replication_key, 'updated_at');
    assert.deepEqual(md.get('["properties","id"]'), { inclusion: 'automatic', 'sql-datatype': 'int', selected: true });
    assert.equal(md.get('["properties","name"]')!.selected, true);
    assert.equal(md.get('["properties","email"]')!.selected, false, 'unsupported fields are never selected');
    // updated_at is the replication key: the tap needs it even when the map drops it.
    assert.equal(md.get('["properties","updated_at"]')!.selected, true);
    assert.equal(toMap(orders).get('[]')!.selected, false);
    assert.equal(orders.selected, false);
    assert.deepEqual(
      selectedStreams(out).map((s) => s.stream),
      ['users'],
    );
    assert.deepEqual(selectedProperties(users), ['id', 'name', 'updated_at']);
    assert.equal(at(input.streams, 0).metadata!.length, 3, 'the input catalog is not modified');
    assert.equal(toMap(at(input.streams, 0)).get('[]')!.selected, undefined);
  });

  test('override_selected_tables wins over the field map; no replication key means FULL_TABLE', () => {
    const out = applySelection(catalog(), { streams: ['orders'], fieldMap: { users: {} } });
    assert.deepEqual(
      selectedStreams(out).map((s) => s.stream),
      ['orders'],
    );
    const md = toMap(at(out.streams, 1));
    assert.equal(md.get('[]')!['replication-method'], 'FULL_TABLE');
    assert.equal(md.get('[]')!['replication-key'], undefined);
    assert.equal(selectedProperties(at(out.streams, 1)), null, 'all fields');
  });

  test('a stream with selected false in the map is not selected; field map replication settings apply', () => {
    const out = applySelection(catalog(), {
      fieldMap: { users: { selected: false }, orders: { replication_key: 'updated_at' } },
    });
    assert.equal(isStreamSelected(at(out.streams, 0)), false);
    assert.equal(toMap(at(out.streams, 1)).get('[]')!['replication-key'], 'updated_at');
    const full = applySelection(catalog(), { fieldMap: { users: { replication_method: 'FULL_TABLE' } } });
    assert.equal(toMap(at(full.streams, 0)).get('[]')!['replication-method'], 'FULL_TABLE');
    assert.equal(toMap(at(full.streams, 0)).get('[]')!['replication-key'], undefined);
  });

  test('no map and no streams: everything selected, unless the catalog already has selections', () => {
    assert.equal(selectedStreams(applySelection(catalog(), {})).length, 2);
    const edited = applySelection(catalog(), { streams: ['users'] });
    const again = applySelection(edited, { fieldMap: null, streams: null });
    assert.deepEqual(
      selectedStreams(again).map((s) => s.stream),
      ['users'],
    );
  });
});

describe('isStreamSelected', () => {
  test('metadata first, then the legacy flag, then selected-by-default', () => {
    assert.equal(isStreamSelected(stream('a', { metadata: [] })), false);
    assert.equal(isStreamSelected(stream('a', { metadata: [], selected: true })), true);
    assert.equal(isStreamSelected(stream('a', { metadata: [{ breadcrumb: [], metadata: { 'selected-by-default': true } }] })), true);
    assert.equal(isStreamSelected(stream('a', { selected: true, metadata: [{ breadcrumb: [], metadata: { selected: false } }] })), false);
  });
});

import type { CatalogStream } from './tenant-api.js';

/** Which streams and fields a tenant chose, as the editor holds it. */
export type Selection = Record<string, { selected: boolean; fields: Record<string, boolean> }>;

export interface StreamFields {
  id: string;
  fields: { name: string; locked: boolean }[];
}

/** A field the connector always sends (key, replication key: inclusion `automatic`) is locked on. */
export function streamsOf(streams: CatalogStream[]): StreamFields[] {
  return streams.map((s) => {
    const automatic = new Set(
      (s.metadata ?? []).filter((m) => m.breadcrumb.length === 2 && m.metadata.inclusion === 'automatic').map((m) => m.breadcrumb[1]!),
    );
    for (const k of s.key_properties ?? []) automatic.add(k);
    return { id: s.tap_stream_id, fields: Object.keys(s.schema?.properties ?? {}).map((name) => ({ name, locked: automatic.has(name) })) };
  });
}

/** The editor's selection from a link's field map: an empty or absent map selects everything. */
export function selectionOf(streams: StreamFields[], fieldMap: Record<string, unknown> | null | undefined): Selection {
  const map = (fieldMap ?? {}) as Record<string, { selected?: boolean; fields?: Record<string, unknown> }>;
  const everything = Object.keys(map).length === 0;
  const out: Selection = {};
  for (const s of streams) {
    const entry = map[s.id];
    const selected = everything || (entry !== undefined && entry.selected !== false);
    out[s.id] = {
      selected,
      fields: Object.fromEntries(s.fields.map((f) => [f.name, f.locked || !entry?.fields || entry.fields[f.name] !== false])),
    };
  }
  return out;
}

/** The field map that says the selection: every stream and field named, true or false (selection rights only). */
export function fieldMapOf(
  streams: StreamFields[],
  selection: Selection,
): Record<string, { selected: boolean; fields: Record<string, boolean> }> {
  const map: Record<string, { selected: boolean; fields: Record<string, boolean> }> = {};
  for (const s of streams) {
    const sel = selection[s.id];
    map[s.id] = {
      selected: sel?.selected ?? false,
      fields: Object.fromEntries(s.fields.map((f) => [f.name, f.locked || (sel?.fields[f.name] ?? false)])),
    };
  }
  return map;
}

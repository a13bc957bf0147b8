import type { Catalog, CatalogMetadataEntry, CatalogStream } from '../model/catalog.js';

const crumbKey = (breadcrumb: string[]): string => JSON.stringify(breadcrumb);

function selectionsOf(stream: CatalogStream): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const entry of stream.metadata ?? []) {
    if ('selected' in entry.metadata) out.set(crumbKey(entry.breadcrumb), entry.metadata.selected);
  }
  return out;
}

/**
 * A fresh discover replaces the catalog, but a tenant's choices must survive it: every `selected`
 * of the previous catalog is carried over to the same stream / field of the fresh one, where that
 * stream or field still exists. New streams and fields keep what the tap says about them.
 */
export function carrySelections(fresh: Catalog, previous: Catalog | null): Catalog {
  if (!previous) return fresh;
  const before = new Map(previous.streams.map((s) => [s.tap_stream_id, selectionsOf(s)]));
  return {
    ...fresh,
    streams: fresh.streams.map((stream) => {
      const old = before.get(stream.tap_stream_id);
      if (!old) return stream;
      const seen = new Set<string>();
      const metadata: CatalogMetadataEntry[] = (stream.metadata ?? []).map((entry) => {
        const key = crumbKey(entry.breadcrumb);
        seen.add(key);
        return old.has(key) ? { breadcrumb: entry.breadcrumb, metadata: { ...entry.metadata, selected: old.get(key) } } : entry;
      });
      // A stream-level choice with no metadata entry in the fresh catalog still counts.
      if (!seen.has(crumbKey([])) && old.has(crumbKey([])))
        metadata.unshift({ breadcrumb: [], metadata: { selected: old.get(crumbKey([])) } });
      return { ...stream, metadata };
    }),
  };
}

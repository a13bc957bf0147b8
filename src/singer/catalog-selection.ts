import type { Catalog, CatalogMetadataEntry, CatalogStream } from '../model/catalog.js';
import type { StreamFieldMap } from '../model/field-map.js';
import { entryAt, isStreamSelected, metadataAt } from './catalog-metadata.js';
import { type SelectionInput, StreamSelection } from './stream-selection.js';

export type { SelectionInput };
export { isStreamSelected };

type Metadata = Record<string, unknown>;

export function selectedStreams(catalog: Catalog): CatalogStream[] {
  return catalog.streams.filter(isStreamSelected);
}

function propertyNames(stream: CatalogStream): string[] {
  const properties = stream.schema?.properties;
  return properties && typeof properties === 'object' ? Object.keys(properties) : [];
}

function isPropertySelected(md: Metadata): boolean {
  if (md.inclusion === 'automatic') return true;
  if (md.inclusion === 'unsupported') return false;
  if (typeof md.selected === 'boolean') return md.selected;
  return md['selected-by-default'] !== false;
}

/** The names of the selected properties of a stream, in schema order; null means all of them. */
export function selectedProperties(stream: CatalogStream): string[] | null {
  const names = propertyNames(stream);
  const selected = names.filter((name) => isPropertySelected(metadataAt(stream, ['properties', name])));
  return selected.length === names.length ? null : selected;
}

function hasExplicitSelection(catalog: Catalog): boolean {
  return catalog.streams.some((s) => typeof metadataAt(s, []).selected === 'boolean' || typeof s.selected === 'boolean');
}

function wantsStream(stream: CatalogStream, selection: StreamSelection, keepExisting: boolean): boolean {
  return selection.chosen(stream.tap_stream_id) ?? (keepExisting ? isStreamSelected(stream) : true);
}

function replicationKey(stream: CatalogStream, entry: StreamFieldMap | undefined): string | undefined {
  const top = metadataAt(stream, []);
  const valid = top['valid-replication-keys'];
  const candidates = [entry?.replication_key, stream.replication_key, top['replication-key'], Array.isArray(valid) ? valid[0] : undefined];
  return candidates.find((k): k is string => typeof k === 'string' && k !== '');
}

/**
 * A copy of the catalog with Singer selection metadata set the way singer-python
 * (`metadata.to_map`) and Meltano SDK taps read it: stream entry at breadcrumb [] with
 * `selected`, `replication-method`, `replication-key`; one entry per property with `selected`.
 * Without streams or a non-empty field map, a catalog that already carries selections keeps
 * them (a user-edited catalog); otherwise every stream is selected.
 * Key properties, the replication key and `inclusion: automatic` fields stay selected: the tap
 * needs them, and the ETL step applies the field map's final shape anyway.
 */
export function applySelection(catalog: Catalog, input: SelectionInput): Catalog {
  const selection = new StreamSelection(catalog, input);
  const keepExisting = !selection.hasChoice && hasExplicitSelection(catalog);
  return {
    ...catalog,
    streams: catalog.streams.map((stream) => selectStream(stream, selection, keepExisting)),
  };
}

function selectStream(stream: CatalogStream, selection: StreamSelection, keepExisting: boolean): CatalogStream {
  const entries: CatalogMetadataEntry[] = (stream.metadata ?? []).map((e) => ({
    breadcrumb: [...e.breadcrumb],
    metadata: { ...e.metadata },
  }));
  const upsert = (breadcrumb: string[], values: Metadata): void => {
    const existing = entryAt(entries, breadcrumb);
    if (existing) Object.assign(existing.metadata, values);
    else entries.push({ breadcrumb, metadata: values });
  };
  const selected = wantsStream(stream, selection, keepExisting);
  if (!selected) {
    upsert([], { selected: false });
    return { ...stream, selected: false, metadata: entries };
  }

  const entry = selection.entry(stream.tap_stream_id)?.entry;
  const key = replicationKey(stream, entry);
  const forced = metadataAt(stream, [])['forced-replication-method'];
  const method = entry?.replication_method ?? (typeof forced === 'string' ? forced : key ? 'INCREMENTAL' : 'FULL_TABLE');
  const streamMetadata: Metadata = { selected: true, 'replication-method': method };
  if (method === 'INCREMENTAL' && key) streamMetadata['replication-key'] = key;
  upsert([], streamMetadata);

  const fields = entry?.fields && Object.keys(entry.fields).length > 0 ? entry.fields : null;
  // The ETL step's rule (field-map-transform.ts): with any field kept by name, only those; a map of
  // only `false` entries leaves out just those.
  const keepsByName = fields !== null && Object.values(fields).some((v) => v !== false);
  const keyProperties = new Set<string>([...(stream.key_properties ?? []), ...(key ? [key] : [])]);
  for (const name of propertyNames(stream)) {
    const md = metadataAt(stream, ['properties', name]);
    let wanted: boolean;
    if (md.inclusion === 'automatic' || keyProperties.has(name)) wanted = true;
    else if (md.inclusion === 'unsupported') wanted = false;
    else if (fields) wanted = keepsByName ? fields[name] !== undefined && fields[name] !== false : fields[name] !== false;
    else wanted = keepExisting && typeof md.selected === 'boolean' ? md.selected : true;
    upsert(['properties', name], { selected: wanted });
  }

  const result: CatalogStream = { ...stream, selected: true, replication_method: method, metadata: entries };
  if (method === 'INCREMENTAL' && key) result.replication_key = key;
  return result;
}

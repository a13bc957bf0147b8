import type { Catalog, CatalogStream } from '../../model/catalog.js';

/**
 * Reads Singer selection and replication metadata straight from a catalog, as the Singer spec
 * lays it out: stream metadata at breadcrumb `[]`, field metadata at `["properties", <field>]`.
 */

/** Entries repeating a breadcrumb are merged, later ones winning, as a tool appending a choice expects. */
function metadataAt(stream: CatalogStream, breadcrumb: readonly string[]): Record<string, unknown> | undefined {
  let merged: Record<string, unknown> | undefined;
  for (const entry of stream.metadata ?? []) {
    const crumb = entry.breadcrumb;
    if (crumb.length === breadcrumb.length && crumb.every((part, i) => part === breadcrumb[i])) {
      merged = { ...merged, ...entry.metadata };
    }
  }
  return merged;
}

/**
 * `inclusion` wins, then an explicit `selected`, then `selected-by-default`. With none of them we
 * answer `fallback`: a Sinew catalog without any selection marks means "take everything", the
 * same as having no catalog at all.
 */
function selection(metadata: Record<string, unknown> | undefined, fallback: boolean): boolean {
  if (metadata?.inclusion === 'automatic') return true;
  if (metadata?.inclusion === 'unsupported') return false;
  if (typeof metadata?.selected === 'boolean') return metadata.selected;
  if (typeof metadata?.['selected-by-default'] === 'boolean') return metadata['selected-by-default'];
  return fallback;
}

export function findCatalogStream(catalog: Catalog, stream: string): CatalogStream | undefined {
  return catalog.streams.find((s) => s.tap_stream_id === stream) ?? catalog.streams.find((s) => s.stream === stream);
}

export function isStreamSelected(stream: CatalogStream): boolean {
  const metadata = metadataAt(stream, []);
  // Older taps and tools put `selected` on the stream itself rather than in metadata.
  const legacy = typeof stream.selected === 'boolean' ? stream.selected : true;
  return selection(metadata, legacy);
}

export function isFieldSelected(stream: CatalogStream, field: string): boolean {
  return selection(metadataAt(stream, ['properties', field]), true);
}

export interface ReplicationSettings {
  /** Upper-cased `replication-method` (`INCREMENTAL`, `FULL_TABLE`, `LOG_BASED`) when one is set. */
  method: string | undefined;
  key: string | undefined;
}

export function replicationSettings(stream: CatalogStream): ReplicationSettings {
  const metadata = metadataAt(stream, []);
  const method = metadata?.['replication-method'] ?? stream.replication_method;
  const key = metadata?.['replication-key'] ?? stream.replication_key;
  return {
    method: typeof method === 'string' ? method.toUpperCase() : undefined,
    key: typeof key === 'string' && key !== '' ? key : undefined,
  };
}

export function keyProperties(stream: CatalogStream): string[] {
  const fromMetadata = metadataAt(stream, [])?.['table-key-properties'];
  if (Array.isArray(fromMetadata)) return fromMetadata.filter((k): k is string => typeof k === 'string');
  return stream.key_properties ?? [];
}

import type { JsonSchema } from './json-schema.js';

/**
 * A Singer catalog, in the shape real taps read with `--catalog` / `--properties`:
 * `{ streams: [{ tap_stream_id, stream, schema, key_properties, metadata: [{ breadcrumb, metadata }] }] }`.
 */
export interface CatalogMetadataEntry {
  breadcrumb: string[];
  metadata: Record<string, unknown>;
}

export interface CatalogStream {
  tap_stream_id: string;
  stream: string;
  schema: JsonSchema;
  key_properties?: string[];
  replication_key?: string;
  replication_method?: string;
  metadata?: CatalogMetadataEntry[];
  [extra: string]: unknown;
}

export interface Catalog {
  streams: CatalogStream[];
}

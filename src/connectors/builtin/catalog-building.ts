import type { CatalogMetadataEntry, CatalogStream } from '../../model/catalog.js';
import type { JsonSchema } from '../../model/json-schema.js';

export interface DiscoveredStream {
  stream: string;
  schema: JsonSchema;
  keyProperties: string[];
  replicationKey?: string;
}

/** The conventional keys a file stream is discovered with when such columns exist. */
export const ID_COLUMN = 'id';
export const REPLICATION_KEY_COLUMN = 'updated_at';

/** `["id"]` and `updated_at` when those properties exist: the keys csv and jsonl discover with. */
export function conventionalKeys(schema: JsonSchema): Pick<DiscoveredStream, 'keyProperties' | 'replicationKey'> {
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  return {
    keyProperties: ID_COLUMN in properties ? [ID_COLUMN] : [],
    ...(REPLICATION_KEY_COLUMN in properties ? { replicationKey: REPLICATION_KEY_COLUMN } : {}),
  };
}

/**
 * A catalog entry with full Singer metadata, every stream and field selected by default; keys and
 * the replication key are `automatic` because a sync without them cannot upsert or bookmark.
 */
export function catalogStream(discovered: DiscoveredStream): CatalogStream {
  const { stream, schema, keyProperties, replicationKey } = discovered;
  const properties = Object.keys((schema.properties ?? {}) as Record<string, unknown>);
  const metadata: CatalogMetadataEntry[] = [
    {
      breadcrumb: [],
      metadata: {
        inclusion: 'available',
        'selected-by-default': true,
        'table-key-properties': keyProperties,
        'valid-replication-keys': replicationKey ? [replicationKey] : [],
        'replication-method': replicationKey ? 'INCREMENTAL' : 'FULL_TABLE',
        ...(replicationKey ? { 'replication-key': replicationKey } : {}),
      },
    },
    ...properties.map((p) => ({
      breadcrumb: ['properties', p],
      metadata: {
        inclusion: keyProperties.includes(p) || p === replicationKey ? 'automatic' : 'available',
        'selected-by-default': true,
      },
    })),
  ];
  return {
    tap_stream_id: stream,
    stream,
    schema,
    key_properties: keyProperties,
    ...(replicationKey ? { replication_key: replicationKey } : {}),
    metadata,
  };
}

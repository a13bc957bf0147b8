import { invalid } from '../../errors/sinew-error.js';
import type { CatalogStream } from '../../model/catalog.js';
import type { JsonSchema } from '../../model/json-schema.js';
import { readBookmark } from './bookmarks.js';
import { isFieldSelected, isStreamSelected, keyProperties, replicationSettings } from './catalog-reading.js';

/** What a source will do for one stream, decided once from its catalog entry and the state. */
export interface StreamPlan {
  stream: string;
  /** The whole schema, used to read and type values. */
  sourceSchema: JsonSchema;
  /** The schema of the emitted records: selected fields only. */
  schema: JsonSchema;
  keyProperties: string[];
  /** Fields to emit; null means every field. */
  fields: ReadonlySet<string> | null;
  /** Set when the stream is bookmarked on a replication key. */
  replicationKey?: string;
  /** Only rows whose replication key is greater than this are emitted; undefined = all rows. */
  bookmark?: unknown;
}

/**
 * A stream is bookmarked when its method is INCREMENTAL, or when no method is given but a
 * replication key is (so a first run with no bookmark still records one for the next run).
 */
function bookmarkingKey(stream: CatalogStream): string | undefined {
  const { method, key } = replicationSettings(stream);
  if (method === 'INCREMENTAL') {
    if (!key) throw invalid(`stream "${stream.tap_stream_id}" is INCREMENTAL but has no replication-key`, { stream: stream.tap_stream_id });
    return key;
  }
  return method === undefined ? key : undefined;
}

/** The plan for a catalog stream, or null when the stream is not selected. */
export function planStream(stream: CatalogStream, state: Record<string, unknown>): StreamPlan | null {
  if (!isStreamSelected(stream)) return null;
  const properties = (stream.schema.properties ?? {}) as Record<string, JsonSchema>;
  const names = Object.keys(properties);
  const selected = names.filter((name) => isFieldSelected(stream, name));
  const everything = selected.length === names.length;
  const replicationKey = bookmarkingKey(stream);
  const name = stream.tap_stream_id;
  return {
    stream: name,
    sourceSchema: stream.schema,
    schema: everything ? stream.schema : { ...stream.schema, properties: Object.fromEntries(selected.map((f) => [f, properties[f]])) },
    keyProperties: keyProperties(stream),
    fields: everything ? null : new Set(selected),
    ...(replicationKey ? { replicationKey, bookmark: readBookmark(state, name, replicationKey) } : {}),
  };
}

import { invalid } from '../errors/sinew-error.js';
import type { Catalog } from '../model/catalog.js';
import type { FieldMap } from '../model/field-map.js';
import { StreamNames } from './stream-names.js';

/**
 * A field map in its stored form: each key is the stream's `tap_stream_id` where the catalog
 * knows the stream by the key given (its id, its `stream` name or its records' name); keys the
 * catalog does not know stay as they are (a tap without a catalog names streams only one way).
 * Nothing is ever dropped: a refresh that removed a key or a field would widen what a job moves
 * (an empty map selects everything), which is how an excluded `secret` column came back.
 * `strict` (a map sent by a user) refuses a plain name that could mean two streams, and two keys
 * that name the same stream; a refresh after discover keeps such keys as they are.
 */
export function canonicalFieldMap(fieldMap: FieldMap | null, catalog: Catalog | null, strict: boolean): FieldMap | null {
  if (!fieldMap || !catalog) return fieldMap;
  const names = new StreamNames(catalog);
  const out: FieldMap = {};
  const keyOf = new Map<string, string>();
  for (const [key, entry] of Object.entries(fieldMap)) {
    const ambiguous = names.ambiguity(key);
    if (ambiguous && strict) {
      throw invalid(`field map key "${key}" names more than one stream (${ambiguous.join(', ')}): key it by the tap_stream_id`, {
        key,
        streams: ambiguous,
      });
    }
    const id = ambiguous ? key : names.canonical(key);
    const earlier = keyOf.get(id);
    if (earlier !== undefined) {
      if (strict)
        throw invalid(`field map keys "${earlier}" and "${key}" name the same stream "${id}"`, { keys: [earlier, key], stream: id });
      // The key that is the id itself wins over a plain name of the same stream.
      if (key !== id) continue;
    }
    out[id] = entry;
    keyOf.set(id, key);
  }
  return out;
}

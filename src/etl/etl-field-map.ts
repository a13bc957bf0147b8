import type { Catalog } from '../model/catalog.js';
import type { FieldMap } from '../model/field-map.js';
import type { AnyMessage } from '../singer/line-classifier.js';
import { parseJson, stringifyJson } from '../singer/lossless-json.js';
import { buildFieldMapTransform } from './field-map-transform.js';

/**
 * The field map (selected streams and fields, renames, fixed values) applied to messages in a
 * script — the same rules as the ETL step without a script, because it is the same code.
 * Returns a function giving the shaped message, or null when the map drops it.
 */
export function fieldMapper(
  fieldMap: FieldMap | null | undefined,
  catalog: Catalog | null = null,
): (message: AnyMessage) => AnyMessage | null {
  const transform = buildFieldMapTransform(fieldMap ?? null, { catalog });
  if (!transform) return (message) => message;
  return (message) => {
    const raw = Buffer.from(stringifyJson(message));
    const stream = typeof (message as { stream?: unknown }).stream === 'string' ? (message as { stream: string }).stream : null;
    const shaped = transform({ kind: 'message', type: message.type, stream, raw, message: () => message });
    if (shaped === null) return null;
    return shaped === raw ? message : (parseJson(shaped.toString('utf8')) as AnyMessage);
  };
}

/** Messages shaped by a field map, dropped ones left out. */
export async function* applyFieldMap(
  messages: AsyncIterable<AnyMessage> | Iterable<AnyMessage>,
  fieldMap: FieldMap | null | undefined,
  catalog: Catalog | null = null,
): AsyncGenerator<AnyMessage> {
  const map = fieldMapper(fieldMap, catalog);
  for await (const message of messages) {
    const shaped = map(message);
    if (shaped !== null) yield shaped;
  }
}

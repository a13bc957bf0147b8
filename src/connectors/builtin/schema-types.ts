import type { JsonSchema } from '../../model/json-schema.js';

/**
 * The JSON types a property schema allows, looking through `type` (string or list) and the
 * `anyOf`/`oneOf` branches taps commonly emit (`anyOf: [{type: string, format: date-time}, …]`).
 * An empty set means the schema does not restrict the type.
 */
export function allowedTypes(schema: JsonSchema | undefined): Set<string> {
  const types = new Set<string>();
  if (!schema) return types;
  const type = schema.type;
  if (typeof type === 'string') types.add(type);
  else if (Array.isArray(type)) for (const t of type) if (typeof t === 'string') types.add(t);
  for (const branchKey of ['anyOf', 'oneOf'] as const) {
    const branches = schema[branchKey];
    if (Array.isArray(branches)) {
      for (const branch of branches) for (const t of allowedTypes(branch as JsonSchema)) types.add(t);
    }
  }
  return types;
}

import type { JsonSchema } from '../../../model/json-schema.js';
import { isLosslessNumber, stringifyJson } from '../../../singer/lossless-json.js';
import { allowedTypes } from '../schema-types.js';

/** How a JSON Schema property is stored. */
export type ColumnKind = 'numeric' | 'boolean' | 'text' | 'timestamptz' | 'date' | 'jsonb';

export const SQL_TYPES: Record<ColumnKind, string> = {
  // numeric, not bigint/double: a 20-digit id or 0.1 is stored exactly as received.
  numeric: 'numeric',
  boolean: 'boolean',
  text: 'text',
  timestamptz: 'timestamptz',
  date: 'date',
  jsonb: 'jsonb',
};

/** The column kind of a property: one JSON type (plus null) maps to a column type; anything else is jsonb. */
export function columnKind(schema: JsonSchema | undefined): ColumnKind {
  const types = allowedTypes(schema);
  types.delete('null');
  if (types.size === 2 && types.has('integer') && types.has('number')) return 'numeric';
  if (types.size !== 1) return 'jsonb';
  const [type] = types;
  if (type === 'integer' || type === 'number') return 'numeric';
  if (type === 'boolean') return 'boolean';
  if (type === 'string') {
    const format = schema?.format ?? (schema?.anyOf as JsonSchema[] | undefined)?.find((b) => b.format)?.format;
    if (format === 'date-time') return 'timestamptz';
    if (format === 'date') return 'date';
    return 'text';
  }
  return 'jsonb';
}

/** A record value as the query parameter of its column (numbers as their exact text). */
export function columnValue(kind: ColumnKind, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (kind === 'jsonb') return stringifyJson(value);
  if (isLosslessNumber(value)) return value.toString();
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'object') return stringifyJson(value);
  return value;
}

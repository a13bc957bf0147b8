import { LosslessNumber } from 'lossless-json';
import type { JsonSchema } from '../../../model/json-schema.js';

/**
 * How the source reads a column: the JSON Schema it is discovered with and how a value's text (as
 * `COPY … TO STDOUT` or a text-protocol query gives it) becomes a JSON value. Numbers stay the
 * text the database printed (exact-number.ts), timestamps become ISO 8601 in UTC.
 */
export type ValueKind = 'integer' | 'number' | 'boolean' | 'string' | 'timestamptz' | 'timestamp' | 'date' | 'json' | 'array';

export interface ColumnReading {
  kind: ValueKind;
  schema: JsonSchema;
}

/** A column as a database catalog describes it. */
export interface SourceColumn {
  name: string;
  /** The type as the database spells it (`numeric(38,18)`, `bigint unsigned`), for messages and `sql-datatype`. */
  sqlType: string;
  nullable: boolean;
  /** null when the source cannot read the type: the column fails a sync that selects it. */
  reading: ColumnReading | null;
}

/** `[type, "null"]` for a nullable column. */
export function typed(type: string, nullable: boolean, extra: Record<string, unknown> = {}): JsonSchema {
  return { type: nullable ? [type, 'null'] : type, ...extra };
}

/** An integer column's bounds, exact (as LosslessNumber past 2^53, so `9223372036854775807` prints as it is). */
export function integerBounds(min: string, max: string): Record<string, unknown> {
  const bound = (text: string) => (Number.isSafeInteger(Number(text)) ? Number(text) : new LosslessNumber(text));
  return { minimum: bound(min), maximum: bound(max) };
}

export function reading(kind: ValueKind, nullable: boolean, extra: Record<string, unknown> = {}): ColumnReading {
  switch (kind) {
    case 'timestamptz':
    case 'timestamp':
      return { kind, schema: typed('string', nullable, { format: 'date-time' }) };
    case 'date':
      return { kind, schema: typed('string', nullable, { format: 'date' }) };
    case 'json':
      return { kind, schema: {} };
    case 'array':
      // The database prints it as JSON (postgres: to_json), elements in their JSON form.
      return { kind, schema: typed('array', nullable) };
    default:
      return { kind, schema: typed(kind, nullable, extra) };
  }
}

/** Types a replication key can be: ordered, and compared the same way in SQL and by bookmarks.ts. */
export function isReplicationCandidate(kind: ValueKind): boolean {
  return kind === 'integer' || kind === 'number' || kind === 'timestamptz' || kind === 'timestamp' || kind === 'date';
}

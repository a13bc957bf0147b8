import { type ColumnReading, integerBounds, reading } from '../database-source/column-types.js';

/** What pg_catalog says of a column's type (a domain already resolved to its base type). */
export interface PgType {
  /** pg_type.typname: `int8`, `numeric`, `timestamptz`, `_int4` … */
  name: string;
  /** pg_type.typcategory: `N` numeric, `S` string, `A` array, `C` composite … */
  category: string;
  /** pg_type.typtype: `b` base, `e` enum, `r` range, `c` composite … */
  typtype: string;
}

const INTEGERS: Record<string, [string, string]> = {
  int2: ['-32768', '32767'],
  int4: ['-2147483648', '2147483647'],
  int8: ['-9223372036854775808', '9223372036854775807'],
  oid: ['0', '4294967295'],
};

/** Types of the `U` (user-defined) category that read as text. */
const TEXT_LIKE = new Set(['uuid', 'bytea', 'xml', 'tsvector', 'tsquery', 'pg_lsn', 'txid_snapshot', 'pg_snapshot', 'citext', 'jsonpath']);

/** Categories whose output text is the value: strings, enums, network addresses, intervals, geometry, bit strings. */
const TEXT_CATEGORIES = new Set(['S', 'E', 'I', 'T', 'G', 'V']);

/** The reading of a PostgreSQL column type, or null when the source cannot map it (composite and range types). */
export function pgColumnReading(type: PgType, nullable: boolean): ColumnReading | null {
  const bounds = INTEGERS[type.name];
  if (bounds) return reading('integer', nullable, integerBounds(bounds[0], bounds[1]));
  if (type.name === 'bool') return reading('boolean', nullable);
  if (type.name === 'numeric' || type.name === 'float4' || type.name === 'float8') return reading('number', nullable);
  if (type.name === 'money') return reading('string', nullable);
  if (type.name === 'timestamptz') return reading('timestamptz', nullable);
  if (type.name === 'timestamp') return reading('timestamp', nullable);
  if (type.name === 'date') return reading('date', nullable);
  if (type.name === 'json' || type.name === 'jsonb') return reading('json', nullable);
  if (type.name === 'time' || type.name === 'timetz') return reading('string', nullable, { format: 'time' });
  if (type.typtype === 'b' && (TEXT_CATEGORIES.has(type.category) || TEXT_LIKE.has(type.name))) return reading('string', nullable);
  if (type.typtype === 'e') return reading('string', nullable);
  // Arrays (of any element type the database can print as JSON) are read through to_json.
  if (type.category === 'A') return reading('array', nullable);
  return null;
}

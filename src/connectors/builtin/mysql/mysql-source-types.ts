import { type ColumnReading, integerBounds, reading } from '../database-source/column-types.js';

const SIGNED: Record<string, [string, string]> = {
  tinyint: ['-128', '127'],
  smallint: ['-32768', '32767'],
  mediumint: ['-8388608', '8388607'],
  int: ['-2147483648', '2147483647'],
  bigint: ['-9223372036854775808', '9223372036854775807'],
};
const UNSIGNED_MAX: Record<string, string> = {
  tinyint: '255',
  smallint: '65535',
  mediumint: '16777215',
  int: '4294967295',
  bigint: '18446744073709551615',
};
const TEXT = new Set(['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext', 'enum', 'set', 'time', 'uuid', 'inet4', 'inet6']);

/**
 * The reading of a MySQL / MariaDB column (`data_type` and `column_type` of information_schema), or
 * null for what the source cannot read as text (binary strings, BLOBs, BIT, spatial types).
 */
export function mysqlColumnReading(dataType: string, columnType: string, nullable: boolean): ColumnReading | null {
  const type = dataType.toLowerCase();
  const full = columnType.toLowerCase();
  if (full === 'tinyint(1)') return reading('boolean', nullable);
  const signed = SIGNED[type];
  if (signed)
    return reading(
      'integer',
      nullable,
      full.includes('unsigned') ? integerBounds('0', UNSIGNED_MAX[type]!) : integerBounds(signed[0], signed[1]),
    );
  if (type === 'year') return reading('integer', nullable);
  if (type === 'decimal' || type === 'float' || type === 'double') return reading('number', nullable);
  if (type === 'date') return reading('date', nullable);
  // DATETIME is a wall time; TIMESTAMP is printed in the session's zone, which the source sets to UTC.
  if (type === 'datetime' || type === 'timestamp') return reading('timestamp', nullable);
  if (type === 'json') return reading('json', nullable);
  if (TEXT.has(type)) return reading('string', nullable);
  return null;
}

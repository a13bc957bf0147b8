import type pg from 'pg';
import { invalid } from '../../../errors/sinew-error.js';
import type { JsonSchema } from '../../../model/json-schema.js';
import type { SchemaMessage } from '../../../singer/message.js';
import { type ColumnKind, columnKind, SQL_TYPES } from './column-types.js';
import { ident } from './postgres-config.js';

/** A stream's table as the target writes it. */
export interface TableShape {
  /** `"schema"."table"`. */
  name: string;
  /** Record field → column kind (the schema's properties, without `externalId`). */
  columns: Map<string, ColumnKind>;
  keys: string[];
  externalIdColumn: string;
}

/**
 * Creates the table of a stream from its SCHEMA when missing (key properties as the primary key,
 * the external id column unique), and adds columns the table lacks; existing columns are kept.
 */
export async function ensureTable(
  pool: pg.Pool,
  schemaName: string,
  tableName: string,
  message: SchemaMessage,
  keys: string[],
  externalIdColumn: string,
): Promise<TableShape> {
  const properties = (message.schema.properties ?? {}) as Record<string, JsonSchema>;
  const columns = new Map<string, ColumnKind>();
  for (const [name, schema] of Object.entries(properties)) {
    if (name === 'externalId' || name === externalIdColumn || name.startsWith('__sinew_')) continue;
    columns.set(name, columnKind(schema));
  }
  for (const key of keys) {
    if (!columns.has(key))
      throw invalid(`postgres: key property "${key}" of stream ${message.stream} is not in its schema`, { stream: message.stream, key });
  }
  const name = `${ident(schemaName)}.${ident(tableName)}`;
  const definitions = [...columns].map(([column, kind]) => `${ident(column)} ${SQL_TYPES[kind]}`);
  definitions.push(`${ident(externalIdColumn)} text unique`);
  if (keys.length > 0) definitions.push(`primary key (${keys.map(ident).join(', ')})`);
  await pool.query(`create schema if not exists ${ident(schemaName)}`);
  await pool.query(`create table if not exists ${name} (${definitions.join(', ')})`);
  for (const [column, kind] of columns)
    await pool.query(`alter table ${name} add column if not exists ${ident(column)} ${SQL_TYPES[kind]}`);
  await pool.query(`alter table ${name} add column if not exists ${ident(externalIdColumn)} text`);
  // A table that predates the external id column gets its uniqueness through an index.
  await pool.query(
    `create unique index if not exists ${ident(`${tableName}_${externalIdColumn}_key`.slice(0, 63))} on ${name} (${ident(externalIdColumn)})`,
  );
  return { name, columns, keys, externalIdColumn };
}

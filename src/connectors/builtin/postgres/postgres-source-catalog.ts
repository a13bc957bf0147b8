import type pg from 'pg';
import type { SourceTable } from '../database-source/table-catalog.js';
import { pgColumnReading } from './postgres-source-types.js';

// Tables, partitioned tables, views, materialized views, foreign tables; partitions are read through their parent.
// A domain column is read as its base type.
const COLUMNS_SQL = `
select n.nspname as schema, c.relname as "table", a.attname as column, format_type(a.atttypid, a.atttypmod) as sql_type,
       t.typname as type_name, t.typcategory as category, t.typtype as typtype, not a.attnotnull as nullable
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
join pg_type t0 on t0.oid = a.atttypid
join pg_type t on t.oid = case when t0.typtype = 'd' then t0.typbasetype else t0.oid end
where n.nspname = any($1) and c.relkind in ('r', 'p', 'v', 'm', 'f') and not c.relispartition
  and ($2::text is null or c.relname = $2)
order by n.nspname, c.relname, a.attnum`;

const KEYS_SQL = `
select n.nspname as schema, c.relname as "table", a.attname as column
from pg_index i
join pg_class c on c.oid = i.indrelid
join pg_namespace n on n.oid = c.relnamespace
join pg_attribute a on a.attrelid = c.oid and a.attnum = any(i.indkey)
where i.indisprimary and n.nspname = any($1) and ($2::text is null or c.relname = $2)
order by n.nspname, c.relname, array_position(i.indkey::int2[], a.attnum)`;

interface ColumnRow {
  schema: string;
  table: string;
  column: string;
  sql_type: string;
  type_name: string;
  category: string;
  typtype: string;
  nullable: boolean;
}

/** The tables of `schemas` (or the one table named), with their columns and primary keys. */
export async function readTables(client: pg.ClientBase, schemas: string[], only: string | null = null): Promise<SourceTable[]> {
  const columns = (await client.query<ColumnRow>(COLUMNS_SQL, [schemas, only])).rows;
  const keys = (await client.query<{ schema: string; table: string; column: string }>(KEYS_SQL, [schemas, only])).rows;
  const tables = new Map<string, SourceTable>();
  for (const row of columns) {
    const id = JSON.stringify([row.schema, row.table]);
    let table = tables.get(id);
    if (!table) tables.set(id, (table = { schema: row.schema, table: row.table, columns: [], primaryKey: [] }));
    const type = { name: row.type_name, category: row.category, typtype: row.typtype };
    table.columns.push({ name: row.column, sqlType: row.sql_type, nullable: row.nullable, reading: pgColumnReading(type, row.nullable) });
  }
  for (const key of keys) tables.get(JSON.stringify([key.schema, key.table]))?.primaryKey.push(key.column);
  return [...tables.values()];
}

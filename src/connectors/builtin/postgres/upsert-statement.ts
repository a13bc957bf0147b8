import type { WriteRecord } from '../../sdk/write-record.js';
import { columnValue } from './column-types.js';
import { ident } from './postgres-config.js';
import type { TableShape } from './postgres-table.js';

/** The column an upsert conflicts on: the key properties, the external id column, or none (append). */
export type ConflictTarget = 'keys' | 'external' | 'none';

export interface Statement {
  sql: string;
  params: unknown[];
  /** Columns RETURNING gives back to identify each written row. */
  returned: string[];
}

/** Marks a returned row that updated an existing row (xmax is 0 only for freshly inserted rows). */
export const UPDATED_FLAG = '__sinew_updated';

export function conflictColumns(table: TableShape, target: ConflictTarget): string[] {
  return target === 'keys' ? table.keys : target === 'external' ? [table.externalIdColumn] : [];
}

/** The text of a record's conflict key, as both the parameters and RETURNING show it. */
export function conflictKey(table: TableShape, target: ConflictTarget, record: WriteRecord): string {
  if (target === 'external') return record.externalId ?? '';
  return JSON.stringify(table.keys.map((k) => String(columnValue(table.columns.get(k)!, record.record[k]))));
}

/**
 * One multi-row `INSERT … ON CONFLICT (…) DO UPDATE … WHERE <something changed> RETURNING`.
 * Unchanged rows are not returned, which is how the target tells an unchanged duplicate
 * (`existing`) from an update. Records without externalId never overwrite a stored external id.
 */
export function upsertStatement(table: TableShape, target: ConflictTarget, records: WriteRecord[]): Statement {
  const columns = [...table.columns.keys()];
  const withExternal = target !== 'keys' || records.some((r) => r.externalId !== null);
  const written = withExternal ? [...columns, table.externalIdColumn] : columns;
  const params: unknown[] = [];
  const rows = records.map((record) => {
    const values = columns.map((column) => columnValue(table.columns.get(column)!, record.record[column]));
    if (withExternal) values.push(record.externalId);
    const placeholders = values.map((value) => {
      params.push(value);
      return `$${params.length}`;
    });
    return `(${placeholders.join(', ')})`;
  });
  const conflict = conflictColumns(table, target);
  let sql = `insert into ${table.name} as t (${written.map(ident).join(', ')}) values ${rows.join(', ')}`;
  if (conflict.length > 0) {
    const updatable = written.filter((c) => !conflict.includes(c));
    if (updatable.length === 0) {
      sql += ` on conflict (${conflict.map(ident).join(', ')}) do nothing`;
    } else {
      const set = updatable.map((c) => `${ident(c)} = excluded.${ident(c)}`).join(', ');
      const mine = updatable.map((c) => `t.${ident(c)}`).join(', ');
      const theirs = updatable.map((c) => `excluded.${ident(c)}`).join(', ');
      // ROW(...) so that a single column still compares as a row.
      sql += ` on conflict (${conflict.map(ident).join(', ')}) do update set ${set} where row(${mine}) is distinct from row(${theirs})`;
    }
  }
  const returned = conflict.length > 0 ? conflict : [];
  sql += ` returning ${[...returned.map((c) => `t.${ident(c)}::text as ${ident(c)}`), `(t.xmax <> 0) as ${ident(UPDATED_FLAG)}`].join(', ')}`;
  return { sql, params, returned };
}

/** `DELETE` of the row a remote id names: the key value(s), or the external id when the table has no key. */
export function deleteStatement(table: TableShape, remoteId: string): Statement {
  if (table.keys.length === 0) {
    return { sql: `delete from ${table.name} where ${ident(table.externalIdColumn)} = $1`, params: [remoteId], returned: [] };
  }
  const values = table.keys.length === 1 ? [remoteId] : (JSON.parse(remoteId) as unknown[]).map(String);
  const where = table.keys.map((k, i) => `${ident(k)} = $${i + 1}`).join(' and ');
  return { sql: `delete from ${table.name} where ${where}`, params: values, returned: [] };
}

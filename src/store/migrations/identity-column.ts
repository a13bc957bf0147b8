import { type CreateTableBuilder, type Kysely, PostgresAdapter } from 'kysely';

/**
 * Adds an auto-incrementing primary-key column. This is the one thing the schema builder cannot
 * say the same way for both dialects: SQLite wants `integer primary key autoincrement` (which,
 * unlike a bare rowid, never reuses a value), PostgreSQL a `bigserial`.
 */
export function addIdentityColumn<TB extends string, C extends string>(
  db: Kysely<unknown>,
  table: CreateTableBuilder<TB, C>,
  column: string,
): CreateTableBuilder<TB, C | string> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    return table.addColumn(column, 'bigserial', (col) => col.primaryKey());
  }
  return table.addColumn(column, 'integer', (col) => col.primaryKey().autoIncrement());
}

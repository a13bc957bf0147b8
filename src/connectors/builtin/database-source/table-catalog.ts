import type { CatalogStream } from '../../../model/catalog.js';
import type { JsonSchema } from '../../../model/json-schema.js';
import { catalogStream } from '../catalog-building.js';
import { isReplicationCandidate, type SourceColumn } from './column-types.js';

/** A table (or view) as the database has it now. */
export interface SourceTable {
  schema: string;
  table: string;
  columns: SourceColumn[];
  primaryKey: string[];
}

/** A stream's name: the table's, or `<schema>-<table>` when several schemas are read (tap-postgres's form). */
export function streamName(table: Pick<SourceTable, 'schema' | 'table'>, schemas: string[]): string {
  return schemas.length > 1 ? `${table.schema}-${table.table}` : table.table;
}

/**
 * A table as a catalog entry: every column selected by default, the primary key `automatic`,
 * FULL_TABLE unless a replication key is configured for it (`config.replication_keys`) or the user
 * picks a `replication-key` among `valid-replication-keys` in the catalog. A column of
 * a type the source cannot read is listed with an empty schema and its `sql-datatype`: a sync that
 * selects it fails naming it, so it is left out only when the user deselects it.
 */
export function tableCatalogStream(table: SourceTable, streamId: string, databaseName: string, replicationKey?: string): CatalogStream {
  const properties: Record<string, JsonSchema> = {};
  for (const column of table.columns) properties[column.name] = column.reading?.schema ?? {};
  const candidates = table.columns.filter((c) => c.reading && isReplicationCandidate(c.reading.kind)).map((c) => c.name);
  if (replicationKey !== undefined && !candidates.includes(replicationKey)) {
    throw new Error(
      `config.replication_keys names "${replicationKey}" for stream "${streamId}", which is not one of its columns that can be a replication key (${candidates.join(', ') || 'none'})`,
    );
  }
  const entry = catalogStream({
    stream: table.table,
    schema: { type: 'object', properties },
    keyProperties: table.primaryKey,
    ...(replicationKey ? { replicationKey } : {}),
  });
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  const metadata = (entry.metadata ?? []).map((m) => {
    if (m.breadcrumb.length === 0) {
      return {
        ...m,
        metadata: {
          ...m.metadata,
          'valid-replication-keys': candidates,
          'schema-name': table.schema,
          'table-name': table.table,
          'database-name': databaseName,
        },
      };
    }
    const column = byName.get(String(m.breadcrumb[1]));
    if (!column) return m;
    return {
      ...m,
      metadata: { ...m.metadata, 'sql-datatype': column.sqlType, ...(column.reading ? {} : { 'sinew-unsupported-type': true }) },
    };
  });
  return { ...entry, tap_stream_id: streamId, metadata };
}

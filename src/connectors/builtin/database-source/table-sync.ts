import type { CatalogStream } from '../../../model/catalog.js';
import type { SourceContext } from '../../sdk/connector.js';
import { EncodedRecord, syncRecordStream } from '../record-stream-sync.js';
import { planStream, type StreamPlan } from '../stream-plan.js';
import { isReplicationCandidate, type SourceColumn } from './column-types.js';
import { jsonEncoder, valueReader } from './column-values.js';
import { type SourceTable, streamName, tableCatalogStream } from './table-catalog.js';

/** What a sync reads: these columns of the table, and with a replication key only rows at or past the bookmark, in its order. */
export interface TableRead {
  table: SourceTable;
  columns: SourceColumn[];
  replicationKey?: { column: SourceColumn; bookmark: unknown };
}

/** One database source (postgres, mysql), as the sync loop needs it. */
export interface TableDatabase {
  connectorId: string;
  /** The schemas (databases, for MySQL) whose tables are streams. */
  schemas: string[];
  /** The database name catalog entries carry as `database-name`. */
  databaseName: string;
  /** Stream → replication key column, from the config: those streams are discovered INCREMENTAL. */
  replicationKeys: Record<string, string>;
  /** Every table of the schemas now, or only the one named. */
  tables(only?: { schema: string; table: string }): Promise<SourceTable[]>;
  /**
   * The rows, each a field per column (text as the database prints it, null for NULL), streamed in
   * batches of whatever arrived together: a step of an async iteration per row costs more than
   * encoding the row.
   */
  rows(read: TableRead): AsyncIterable<Array<Array<string | null>>>;
}

export async function discoverTables(db: TableDatabase): Promise<CatalogStream[]> {
  return (await db.tables()).map((t) => {
    const id = streamName(t, db.schemas);
    try {
      return tableCatalogStream(t, id, db.databaseName, db.replicationKeys[id]);
    } catch (error) {
      throw new Error(`${db.connectorId}: ${(error as Error).message}`);
    }
  });
}

function stringMetadata(entry: CatalogStream, name: string): string | undefined {
  const value = entry.metadata?.find((m) => m.breadcrumb.length === 0 && typeof m.metadata[name] === 'string')?.metadata[name];
  return typeof value === 'string' ? value : undefined;
}

/** Which table a catalog entry is: its `schema-name`/`table-name` metadata, else its name (`<schema>-<table>` or a table of the first schema). */
function tableOf(db: TableDatabase, entry: CatalogStream): { schema: string; table: string } {
  const schema = stringMetadata(entry, 'schema-name');
  const table = stringMetadata(entry, 'table-name');
  if (schema !== undefined && table !== undefined) return { schema, table };
  const prefixed = db.schemas.find((s) => entry.tap_stream_id.startsWith(`${s}-`));
  if (db.schemas.length > 1 && prefixed) return { schema: prefixed, table: entry.tap_stream_id.slice(prefixed.length + 1) };
  return { schema: db.schemas[0] ?? '', table: entry.stream || entry.tap_stream_id };
}

/** The live columns a plan reads, checked: each selected column exists and has a type the source reads. */
function columnsToRead(db: TableDatabase, plan: StreamPlan, table: SourceTable): TableRead {
  const live = new Map(table.columns.map((c) => [c.name, c]));
  const wanted = plan.fields === null ? Object.keys(plan.sourceSchema.properties ?? {}) : [...plan.fields];
  if (plan.replicationKey !== undefined && !wanted.includes(plan.replicationKey)) wanted.push(plan.replicationKey);
  const where = `table "${table.schema}"."${table.table}" (stream "${plan.stream}")`;
  const columns = wanted.map((name) => {
    const column = live.get(name);
    if (!column) throw new Error(`${db.connectorId}: column "${name}" of ${where} no longer exists; discover again or deselect it`);
    if (!column.reading) {
      throw new Error(
        `${db.connectorId}: column "${name}" of ${where} has type ${column.sqlType}, which this source cannot read; deselect the column (metadata "selected": false) to sync the rest`,
      );
    }
    return column;
  });
  if (plan.replicationKey === undefined) return { table, columns };
  const key = live.get(plan.replicationKey)!;
  if (!key.reading || !isReplicationCandidate(key.reading.kind)) {
    throw new Error(
      `${db.connectorId}: replication key "${key.name}" of ${where} has type ${key.sqlType}; a replication key must be a number, a date or a timestamp`,
    );
  }
  return { table, columns, replicationKey: { column: key, bookmark: plan.bookmark } };
}

/**
 * The rows as records already printed as JSON, a batch at a time: only the columns the plan
 * selects (the replication key is read for the bookmark even when it is not selected), each value
 * straight from its text.
 */
async function* records(db: TableDatabase, read: TableRead, fields: ReadonlySet<string> | null): AsyncGenerator<EncodedRecord[]> {
  const encoders = read.columns.map((c) => jsonEncoder(c.reading!.kind, c.name));
  const keys = read.columns.map((c) => `${JSON.stringify(c.name)}:`);
  const emitted = read.columns.map((c) => fields === null || fields.has(c.name));
  const keyIndex = read.replicationKey ? read.columns.indexOf(read.replicationKey.column) : -1;
  const readKey = keyIndex === -1 ? null : valueReader(read.columns[keyIndex]!.reading!.kind, read.columns[keyIndex]!.name);
  for await (const rows of db.rows(read)) {
    const batch: EncodedRecord[] = new Array(rows.length);
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      let json = '{';
      for (let i = 0; i < encoders.length; i++) {
        if (!emitted[i]) continue;
        const text = row[i];
        json += `${json.length > 1 ? ',' : ''}${keys[i]}${text === null || text === undefined ? 'null' : encoders[i]!(text)}`;
      }
      const keyText = keyIndex === -1 ? null : row[keyIndex];
      batch[r] = new EncodedRecord(`${json}}`, keyText === null || keyText === undefined || !readKey ? null : readKey(keyText));
    }
    yield batch;
  }
}

/**
 * Syncs the selected streams of the catalog (every table when there is none). An incremental
 * stream is read from its bookmark inclusive (`>=`, in the key's order), so rows sharing the
 * bookmark's value that were written after the last job are not lost; the rows at the bookmark
 * itself come again (a target upserting by key takes them twice harmlessly).
 */
export async function syncTables(db: TableDatabase, ctx: SourceContext): Promise<void> {
  const entries = ctx.catalog ? ctx.catalog.streams : await discoverTables(db);
  let state = ctx.state;
  for (const entry of entries) {
    const plan = planStream(entry, state);
    if (plan === null) continue;
    const { schema, table: name } = tableOf(db, entry);
    const [table] = await db.tables({ schema, table: name });
    if (!table) {
      throw new Error(
        `${db.connectorId}: table "${schema}"."${name}" of stream "${plan.stream}" no longer exists (dropped or renamed since it was discovered); discover again or deselect the stream`,
      );
    }
    const read = columnsToRead(db, plan, table);
    // The database filters by the bookmark (>=); the tracker only follows the new maximum.
    ({ state } = await syncRecordStream(ctx, { ...plan, bookmark: undefined }, records(db, read, plan.fields), state));
  }
}

import type pg from 'pg';
import { type AddressPolicy, hostRefusalText, isRefusedAddress } from '../../../outbound/address-policy.js';
import { guardedSocket } from '../../../outbound/guarded-socket.js';
import type { SchemaMessage } from '../../../singer/message.js';
import type { BatchWriterFactory } from '../../sdk/batch-writer.js';
import type { WriteRecord } from '../../sdk/write-record.js';
import { failed, succeeded, type WriteResult } from '../../sdk/write-result.js';
import { isWriteImpossible, writeImpossible } from '../write/write-failure.js';
import { columnValue } from './column-types.js';
import { copyLoad, hasUniqueKey } from './copy-load.js';
import { loadPg } from './pg-driver.js';
import { type PostgresTargetConfig, readPostgresConfig } from './postgres-config.js';
import { ensureTable, type TableShape } from './postgres-table.js';
import { type ConflictTarget, conflictKey, deleteStatement, UPDATED_FLAG, upsertStatement } from './upsert-statement.js';

const ID = 'postgres';
/** PostgreSQL accepts at most 65535 parameters per statement. */
const MAX_PARAMETERS = 60_000;
/** Fewer records than this go in by INSERT even with `load: copy`: a COPY's staging costs more than it saves, and INSERT reports existing/updated. */
const COPY_MIN_ROWS = 1000;

/** SQLSTATE classes that no retry or other record can get past: connection, auth, missing database, privileges. */
function isConnectionLevel(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true; // ECONNREFUSED and other socket errors
  return code.startsWith('08') || code.startsWith('28') || code === '3D000' || code === '42501' || code.startsWith('57P');
}

function pgErrorText(error: unknown): string {
  // A refusal names the host and the kind of address only (never what the name resolved to).
  if (isRefusedAddress(error)) return `refused to connect: ${hostRefusalText(error.host, error.kind)}`;
  const e = error as { code?: string; message?: string; detail?: string };
  return [e.code, e.message, e.detail].filter(Boolean).join(': ');
}

/** Marks a failure the address policy caused (nothing was sent), for callers that answer it differently. */
function refusal(error: unknown): { address_refused?: true } {
  return isRefusedAddress(error) ? { address_refused: true } : {};
}

/** Splits records into runs where no conflict key appears twice (ON CONFLICT cannot touch a row twice). */
function distinctRuns(records: WriteRecord[], key: (r: WriteRecord) => string, maxRows: number): WriteRecord[][] {
  const runs: WriteRecord[][] = [];
  let run: WriteRecord[] = [];
  let seen = new Set<string>();
  for (const record of records) {
    const k = key(record);
    if (seen.has(k) || run.length >= maxRows) {
      runs.push(run);
      run = [];
      seen = new Set();
    }
    seen.add(k);
    run.push(record);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

class PostgresBatchWriter {
  readonly connectorId = ID;
  // One batch at a time: two batches in flight could write one key in the wrong order. The next
  // batch is still read and prepared while this one is written.
  readonly concurrency = 1;
  // A promise: the driver is imported when the first writer is made (pg-driver.ts).
  private readonly poolReady: Promise<pg.Pool>;
  private readonly tables = new Map<string, TableShape>();
  /** Per table: whether a keyed COPY goes straight into it first (until a key is found there). */
  private readonly directCopy = new Map<string, boolean>();

  constructor(
    private readonly config: PostgresTargetConfig,
    addresses: AddressPolicy,
    private readonly log: (message: string) => void,
  ) {
    // node-postgres has no `lookup` option, but takes the socket it connects: ours resolves the host
    // once, checks every address against the policy and connects to the one checked (no second
    // resolution, so DNS rebinding gains nothing); an IP literal or a Unix socket path is judged as
    // it is. TLS still runs on that socket and verifies the certificate against the host name.
    this.poolReady = loadPg().then((driver) => {
      const pool = new driver.Pool({ ...config.connection, max: this.concurrency, stream: () => guardedSocket(addresses) });
      // An idle client losing its connection must not crash the target; the next query reports it.
      pool.on('error', () => undefined);
      return pool;
    });
  }

  private async query(sql: string, params: unknown[]): Promise<pg.QueryResult> {
    return (await this.poolReady).query(sql, params);
  }

  batchSize(): number {
    return this.config.load === 'copy' ? this.config.copyBatchSize : this.config.batchSize;
  }

  async schema(message: SchemaMessage): Promise<void> {
    // `externalId` as a key means "upsert by the external id": the external id column does that.
    const keys = (this.config.keyProperties[message.stream] ?? message.key_properties ?? []).filter(
      (k) => k !== 'externalId' && k !== this.config.externalIdColumn,
    );
    const table = this.config.tables[message.stream] ?? message.stream;
    try {
      this.tables.set(
        message.stream,
        await ensureTable(await this.poolReady, this.config.schema, table, message, keys, this.config.externalIdColumn),
      );
    } catch (error) {
      if (isWriteImpossible(error)) throw error;
      throw writeImpossible(ID, `cannot prepare table ${this.config.schema}.${table}: ${pgErrorText(error)}`, {
        stream: message.stream,
        ...refusal(error),
      });
    }
  }

  async writeBatch(stream: string, records: WriteRecord[]): Promise<WriteResult[]> {
    const table = this.tables.get(stream)!;
    const results = new Map<WriteRecord, WriteResult>();
    const byTarget: Record<ConflictTarget, WriteRecord[]> = { keys: [], external: [], none: [] };
    for (const record of records) {
      if (record.delete) results.set(record, await this.remove(table, record));
      else byTarget[record.externalId !== null ? 'external' : table.keys.length > 0 ? 'keys' : 'none'].push(record);
    }
    const maxRows = Math.max(1, Math.floor(MAX_PARAMETERS / (table.columns.size + 1)));
    let appended = 0;
    for (const target of ['keys', 'external', 'none'] as const) {
      if (target !== 'external' && (await this.copied(table, byTarget[target], results))) continue;
      // Appended rows (no key, no external id) never conflict: each gets a key of its own.
      const key = target === 'none' ? () => String(appended++) : (r: WriteRecord) => conflictKey(table, target, r);
      for (const run of distinctRuns(byTarget[target], key, maxRows)) {
        for (const [record, result] of await this.upsert(table, target, run)) results.set(record, result);
      }
    }
    return records.map((r) => results.get(r)!);
  }

  /**
   * Writes records by key (or appends them) with COPY when the config and the batch's size call for
   * it; false when they do not, or when PostgreSQL refused a row: the caller then writes them by
   * INSERT, which tells each bad record apart.
   */
  private async copied(table: TableShape, records: WriteRecord[], results: Map<WriteRecord, WriteResult>): Promise<boolean> {
    if (this.config.load !== 'copy' || records.length < COPY_MIN_ROWS) return false;
    try {
      const pool = await this.poolReady;
      let direct = this.directCopy.get(table.name);
      if (direct === undefined) this.directCopy.set(table.name, (direct = table.keys.length > 0 && (await hasUniqueKey(pool, table))));
      if ((await copyLoad(pool, table, records, direct)) === 'merged' && direct) {
        this.directCopy.set(table.name, false);
        this.log(`postgres: ${table.name} already holds a key of this batch (or the batch holds one twice); merging by key from now on`);
      }
    } catch (error) {
      if (isConnectionLevel(error)) throw writeImpossible(ID, `cannot write to PostgreSQL: ${pgErrorText(error)}`, refusal(error));
      this.log(`postgres: a COPY of ${records.length} ${table.name} records was refused (${pgErrorText(error)}); writing them by INSERT`);
      return false;
    }
    for (const record of records) results.set(record, succeeded(record, this.idOf(table, record)));
    return true;
  }

  /** The id a result reports: the key value (a JSON array for a composite key), else the external id. */
  private idOf(table: TableShape, record: WriteRecord): string | null {
    if (table.keys.length === 0) return record.externalId;
    const [single, ...more] = table.keys;
    // One key column (the usual case): its text as the parameters carry it, without the JSON round trip.
    if (more.length === 0) return String(columnValue(table.columns.get(single!)!, record.record[single!]));
    const texts = JSON.parse(conflictKey(table, 'keys', record)) as string[];
    const [only, ...others] = texts;
    return only !== undefined && others.length === 0 ? only : JSON.stringify(texts);
  }

  /** Upserts a run in one statement; when it fails, each record alone, so only bad records fail. */
  private async upsert(table: TableShape, target: ConflictTarget, run: WriteRecord[]): Promise<Array<[WriteRecord, WriteResult]>> {
    const statement = upsertStatement(table, target, run);
    let rows: Array<Record<string, unknown>>;
    try {
      rows = (await this.query(statement.sql, statement.params)).rows;
    } catch (error) {
      if (isConnectionLevel(error)) throw writeImpossible(ID, `cannot write to PostgreSQL: ${pgErrorText(error)}`, refusal(error));
      if (run.length <= 1) return run.map((r) => [r, failed(r, pgErrorText(error))]);
      const out: Array<[WriteRecord, WriteResult]> = [];
      for (const record of run) out.push(...(await this.upsert(table, target, [record])));
      return out;
    }
    if (target === 'none') return run.map((r) => [r, succeeded(r, this.idOf(table, r))]);
    const returned = new Map<string, boolean>();
    for (const row of rows) {
      const k = target === 'external' ? String(row[table.externalIdColumn]) : JSON.stringify(statement.returned.map((c) => String(row[c])));
      returned.set(k, row[UPDATED_FLAG] === true);
    }
    return run.map((r) => {
      const updated = returned.get(conflictKey(table, target, r));
      // Not returned: the conflicting row already held exactly these values.
      const flags = updated === undefined ? { existing: true } : { updated };
      return [r, succeeded(r, this.idOf(table, r), flags)];
    });
  }

  private async remove(table: TableShape, record: WriteRecord): Promise<WriteResult> {
    if (record.remoteId === null) return failed(record, 'cannot delete: the record has no __sinew_remote_id');
    const statement = deleteStatement(table, record.remoteId);
    try {
      await this.query(statement.sql, statement.params);
      // No row matched: already gone, which is what the rollback wanted.
      return succeeded(record, record.remoteId, { deleted: true });
    } catch (error) {
      if (isConnectionLevel(error)) throw writeImpossible(ID, `cannot write to PostgreSQL: ${pgErrorText(error)}`, refusal(error));
      return failed(record, pgErrorText(error));
    }
  }

  async close(): Promise<void> {
    await (await this.poolReady).end();
  }
}

/**
 * `postgres`: each stream upserted into a table (created from its SCHEMA) with COPY through a
 * staging table for large batches (`load: copy`, copy-load.ts), else in batched multi-row
 * statements, by its key properties or, for records with an externalId, by the unique external
 * id column; `__sinew_delete` deletes by key (rollback).
 */
export const postgresWriter: BatchWriterFactory = (config, log, addresses) =>
  new PostgresBatchWriter(readPostgresConfig(config), addresses, log);

import { CompiledQuery, type Insertable } from 'kysely';
import { type Database, epochMs } from './database-schema.js';
import { fromJsonColumn, toJsonColumn } from './json-column.js';
import type { Connection } from './store-connection.js';

/** One map of the record-id store: a tenant's records of one stream, written through one flow. */
export interface RecordIdScope {
  env_id: string;
  tenant: string;
  flow_id: string;
  stream: string;
}

/** What a write job knows about one record it wrote (or found already written). */
export interface RecordIdEntry {
  /** The owner's external id of the record (`InputId`). */
  input_id: string;
  /** The id the target system gave the record (`RemoteId`). */
  remote_id: string;
  /** Free-form bookkeeping (`CustomData`: job id, transaction id…), stored as lossless JSON. */
  custom_data: Record<string, unknown>;
  /** sha256 hex of the record last written, to tell an unchanged duplicate; null if unknown. */
  record_hash: string | null;
  /** The job that first created the remote record (kept by later updates); null if unknown. */
  created_job_id: string | null;
  updated_at: number;
}

/** What upsertMany writes: `job_id` becomes `created_job_id` only when the entry is new. */
export interface RecordIdWrite {
  input_id: string;
  remote_id: string;
  custom_data?: Record<string, unknown>;
  record_hash?: string | null;
  job_id?: string | null;
  /** Defaults to now. */
  updated_at?: number;
}

/** The record-id map (migration 0004): InputId → RemoteId per (environment, tenant, flow, stream). */
export interface RecordIdOps {
  /** The entries of those input ids that exist, by input id (unknown ids are absent). */
  lookup(scope: RecordIdScope, inputIds: readonly string[]): Promise<Map<string, RecordIdEntry>>;
  /**
   * Inserts or updates entries. An update replaces remote id, custom data, hash and time, and keeps
   * `created_job_id`. Of repeated input ids in one call the last one wins.
   */
  upsertMany(scope: RecordIdScope, entries: readonly RecordIdWrite[]): Promise<void>;
  /** Removes these input ids' entries; returns how many existed. */
  deleteMany(scope: RecordIdScope, inputIds: readonly string[]): Promise<number>;
  count(scope: RecordIdScope): Promise<number>;
  /** Entries in input-id order (byte order on both dialects), after `afterInputId` if given. */
  list(scope: RecordIdScope, limit: number, afterInputId?: string): Promise<RecordIdEntry[]>;
}

/**
 * Ids per statement: one query per chunk keeps the parameter count (500 rows × 10 columns in an
 * upsert) well under both dialects' limits, and the prepared statement of a full chunk is reused.
 */
export const RECORD_ID_CHUNK = 500;

const ENTRY_COLUMNS = ['input_id', 'remote_id', 'custom_data', 'record_hash', 'created_job_id', 'updated_at'] as const;
/**
 * SQL text by dialect, statement kind and id count (see #statement). Shared by every instance: a
 * transaction gets its own ops, and the text does not depend on the connection (PostgreSQL's
 * schema comes from the connection's search_path).
 */
const STATEMENTS = new Map<string, string>();
const UPSERT_COLUMNS = [
  'env_id',
  'tenant',
  'flow_id',
  'stream',
  'input_id',
  'remote_id',
  'custom_data',
  'record_hash',
  'created_job_id',
  'updated_at',
] as const;

interface EntryRow {
  input_id: string;
  remote_id: string;
  custom_data: string;
  record_hash: string | null;
  created_job_id: string | null;
  updated_at: number | string;
}

const entry = (r: EntryRow): RecordIdEntry => ({
  input_id: r.input_id,
  remote_id: r.remote_id,
  custom_data: fromJsonColumn<Record<string, unknown>>(r.custom_data),
  record_hash: r.record_hash,
  created_job_id: r.created_job_id,
  updated_at: epochMs(r.updated_at),
});

const scopeColumns = (s: RecordIdScope): RecordIdScope => ({ env_id: s.env_id, tenant: s.tenant, flow_id: s.flow_id, stream: s.stream });

function* chunks<T>(items: readonly T[]): Generator<readonly T[]> {
  for (let i = 0; i < items.length; i += RECORD_ID_CHUNK) yield items.slice(i, i + RECORD_ID_CHUNK);
}

export class KyselyRecordIdOps implements RecordIdOps {
  readonly #db: Connection;
  readonly #dialect: 'sqlite' | 'postgres';

  constructor(connection: Connection, dialect: 'sqlite' | 'postgres') {
    this.#db = connection;
    this.#dialect = dialect;
  }

  async lookup(scope: RecordIdScope, inputIds: readonly string[]): Promise<Map<string, RecordIdEntry>> {
    const found = new Map<string, RecordIdEntry>();
    const scopeParams = [scope.env_id, scope.tenant, scope.flow_id, scope.stream];
    for (const chunk of chunks([...new Set(inputIds)])) {
      const text = this.#statement('lookup', chunk.length, () =>
        this.#db()
          .selectFrom('record_ids')
          .select(ENTRY_COLUMNS)
          .where((eb) => eb.and(scopeColumns(scope)))
          .where('input_id', 'in', chunk)
          .compile(),
      );
      const { rows } = await this.#db().executeQuery<EntryRow>(CompiledQuery.raw(text, [...scopeParams, ...chunk]));
      for (const row of rows) found.set(row.input_id, entry(row));
    }
    return found;
  }

  async upsertMany(scope: RecordIdScope, entries: readonly RecordIdWrite[]): Promise<void> {
    const now = Date.now();
    // Last write of an input id wins (PostgreSQL refuses to update one row twice in a statement);
    // sorted so that concurrent upserts take row locks in the same order and cannot deadlock.
    const latest = new Map(entries.map((e) => [e.input_id, e]));
    const sorted = [...latest.values()].sort((a, b) => (a.input_id < b.input_id ? -1 : a.input_id > b.input_id ? 1 : 0));
    // A job's entries share one CustomData object: serialized once, not once per id.
    const customJson = new Map<object, string>();
    const custom = (data: Record<string, unknown> = {}): string =>
      customJson.get(data) ?? customJson.set(data, toJsonColumn(data)).get(data)!;
    for (const chunk of chunks(sorted)) {
      const text = this.#statement('upsert', chunk.length, () => this.#upsertQuery(chunk.length).compile());
      // The parameters in the statement's order: row by row, each row's columns as in UPSERT_COLUMNS.
      const params: unknown[] = [];
      for (const e of chunk) {
        params.push(
          scope.env_id,
          scope.tenant,
          scope.flow_id,
          scope.stream,
          e.input_id,
          e.remote_id,
          custom(e.custom_data),
          e.record_hash ?? null,
          e.job_id ?? null,
          e.updated_at ?? now,
        );
      }
      await this.#db().executeQuery(CompiledQuery.raw(text, params));
    }
  }

  /**
   * The SQL of a statement over `size` ids, built once by Kysely and then reused with fresh
   * parameters: building a 500-row insert through the query builder cost more than running it
   * (a write job saves 100k ids in a few seconds of CPU otherwise).
   */
  #statement(kind: 'lookup' | 'upsert', size: number, build: () => { sql: string }): string {
    // Kept: full chunks and small ones (a write job's are mostly full); other sizes are built each time.
    if (size !== RECORD_ID_CHUNK && size > 100) return build().sql;
    const key = `${this.#dialect}:${kind}:${size}`;
    let text = STATEMENTS.get(key);
    if (text === undefined) STATEMENTS.set(key, (text = build().sql));
    return text;
  }

  #upsertQuery(size: number) {
    // Rows of UPSERT_COLUMNS in that order, which is the parameter order upsertMany pushes; the
    // values are placeholders (only the SQL text is kept).
    const row = Object.fromEntries(UPSERT_COLUMNS.map((column) => [column, ''])) as unknown as Insertable<Database['record_ids']>;
    const rows = Array.from({ length: size }, () => row);
    return this.#db()
      .insertInto('record_ids')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['env_id', 'tenant', 'flow_id', 'stream', 'input_id']).doUpdateSet((eb) => ({
          remote_id: eb.ref('excluded.remote_id'),
          custom_data: eb.ref('excluded.custom_data'),
          record_hash: eb.ref('excluded.record_hash'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      );
  }

  async deleteMany(scope: RecordIdScope, inputIds: readonly string[]): Promise<number> {
    let deleted = 0;
    for (const chunk of chunks([...new Set(inputIds)])) {
      const r = await this.#db()
        .deleteFrom('record_ids')
        .where((eb) => eb.and(scopeColumns(scope)))
        .where('input_id', 'in', chunk)
        .executeTakeFirstOrThrow();
      deleted += Number(r.numDeletedRows);
    }
    return deleted;
  }

  async count(scope: RecordIdScope): Promise<number> {
    const row = await this.#db()
      .selectFrom('record_ids')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where((eb) => eb.and(scopeColumns(scope)))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async list(scope: RecordIdScope, limit: number, afterInputId?: string): Promise<RecordIdEntry[]> {
    if (limit <= 0) return [];
    let query = this.#db()
      .selectFrom('record_ids')
      .select(ENTRY_COLUMNS)
      .where((eb) => eb.and(scopeColumns(scope)));
    if (afterInputId !== undefined) query = query.where('input_id', '>', afterInputId);
    return (await query.orderBy('input_id').limit(limit).execute()).map(entry);
  }
}

import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { invalid } from '../errors/sinew-error.js';
import { tempFileBeside } from '../runtime/temp-file-name.js';
import { readLineBatches } from '../singer/line-reader.js';
import { stringifyJson } from '../singer/lossless-json.js';
import { isRecord, parseSnapshotLine, type RecordSource, type SnapshotRecord } from './snapshot-lines.js';

export interface MergeResult {
  /** Records in the snapshot after the merge. */
  records: number;
  /** Incoming records whose key was not in the snapshot (nor earlier in the input). */
  inserted: number;
  /** Incoming records that replaced a record with the same key. */
  updated: number;
}

export interface MergeOptions {
  /** Where the merge's temporary SQLite file goes (default: beside the snapshot). */
  tempDir?: string;
}

/** Rows per SQLite transaction: large enough to amortise the commit, small enough to stay in memory. */
const BATCH = 5000;
const WRITE_CHUNK = 256 * 1024;

/**
 * The key of a record: its primary-key values as JSON text (lossless), so `12345678901234567890`
 * and `"12345678901234567890"` are different keys and big integers compare exactly.
 */
function keyOf(record: SnapshotRecord, pk: string[], where: () => string): string {
  const values = pk.map((field) => {
    const value = record[field];
    if (value === undefined || value === null) throw invalid(`${where()} has no value for primary key "${field}"`);
    return value;
  });
  return stringifyJson(values.length === 1 ? values[0] : values);
}

/**
 * Merges records into a JSONL snapshot file by primary key, last write wins, and replaces the file
 * atomically (temp file + rename). Memory stays bounded whatever the sizes: the table lives in a
 * temporary SQLite file (a B-tree on disk with a fixed page cache), never in arrays of objects.
 * Order: existing records keep their place (updated in place), new ones follow in arrival order.
 */
export async function mergeIntoSnapshotFile(
  file: string,
  records: RecordSource,
  primaryKey: string | string[],
  options: MergeOptions = {},
): Promise<MergeResult> {
  const pk = Array.isArray(primaryKey) ? primaryKey : [primaryKey];
  if (pk.length === 0 || pk.some((k) => typeof k !== 'string' || k === ''))
    throw invalid('snapshotRecords needs a primary key (a field name or a list of them)');
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tempDir = await fs.mkdtemp(path.join(options.tempDir ?? path.dirname(file), '.merge-'));
  const db = new Database(path.join(tempDir, 'merge.sqlite'));
  try {
    // A scratch database: no journal, no fsync — if the process dies, the old snapshot is untouched anyway.
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('cache_size = -16384'); // 16 MiB of page cache, the bound on the merge's own memory
    db.pragma('temp_store = FILE');
    // rowid keeps arrival order; an upsert keeps the rowid, so an updated record stays in place.
    db.exec('CREATE TABLE r (k TEXT NOT NULL UNIQUE, line TEXT NOT NULL)');
    const upsert = db.prepare('INSERT INTO r (k, line) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET line = excluded.line');
    const insertBatch = db.transaction((rows: string[]) => {
      for (let i = 0; i < rows.length; i += 2) upsert.run(rows[i], rows[i + 1]);
    });
    const count = (): number => db.prepare('SELECT count(*) AS n FROM r').pluck().get() as number;

    let rows: string[] = [];
    const flush = (): void => {
      if (rows.length > 0) insertBatch(rows);
      rows = [];
    };
    const label = path.basename(file);
    if (await exists(file)) {
      let n = 0;
      for await (const batch of readLineBatches(createReadStream(file, { highWaterMark: 1024 * 1024 }))) {
        for (const line of batch) {
          n++;
          const record = parseSnapshotLine(line, `line ${n} of ${label}`);
          rows.push(
            keyOf(record, pk, () => `line ${n} of ${label}`),
            line.toString('utf8'),
          );
          if (rows.length >= BATCH * 2) flush();
        }
      }
      flush();
    }
    const before = count();
    let incoming = 0;
    for await (const record of records) {
      incoming++;
      if (!isRecord(record)) throw invalid(`record ${incoming} given to snapshotRecords is not an object`);
      rows.push(
        keyOf(record, pk, () => `record ${incoming} given to snapshotRecords`),
        stringifyJson(record),
      );
      if (rows.length >= BATCH * 2) flush();
    }
    flush();
    const after = count();

    const tmp = tempFileBeside(file);
    try {
      await writeLines(tmp, db.prepare('SELECT line FROM r ORDER BY rowid').pluck().iterate() as IterableIterator<string>);
      await fs.rename(tmp, file);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw e;
    }
    return { records: after, inserted: after - before, updated: incoming - (after - before) };
  } finally {
    db.close();
    await fs.rm(tempDir, { recursive: true, force: true });
  }
}

async function writeLines(file: string, lines: IterableIterator<string>): Promise<void> {
  const out = createWriteStream(file);
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => {});
  let text = '';
  for (const line of lines) {
    text += line;
    text += '\n';
    if (text.length >= WRITE_CHUNK) {
      if (!out.write(text)) await Promise.race([new Promise<void>((resolve) => out.once('drain', () => resolve())), failed]);
      text = '';
    }
  }
  if (text.length > 0) out.write(text);
  await Promise.race([new Promise<void>((resolve) => out.end(resolve)), failed]);
}

async function exists(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

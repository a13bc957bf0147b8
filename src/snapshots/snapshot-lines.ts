import type { Readable } from 'node:stream';
import { invalid } from '../errors/sinew-error.js';
import { readLineBatches } from '../singer/line-reader.js';
import { isLosslessNumber, parseJson, stringifyJson } from '../singer/lossless-json.js';

/**
 * A snapshot file is JSONL: one JSON object (a record) per line. These turn bytes into records and
 * records into bytes, streaming, with numbers kept exact (lossless-json on the risky ones).
 */
export type SnapshotRecord = Record<string, unknown>;
export type RecordSource = AsyncIterable<SnapshotRecord> | Iterable<SnapshotRecord>;

const NEWLINE = Buffer.from('\n');
/** Lines are handed on in chunks of about this size: one write per chunk, not per line. */
const CHUNK_BYTES = 256 * 1024;

export function isRecord(value: unknown): value is SnapshotRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isLosslessNumber(value);
}

/** Parses one snapshot line; `where` names it in the error (e.g. `line 12 of "orders"`). */
export function parseSnapshotLine(line: Buffer, where: string): SnapshotRecord {
  let value: unknown;
  try {
    value = parseJson(line.toString('utf8'));
  } catch (e) {
    throw invalid(`${where} is not valid JSON: ${(e as Error).message}`);
  }
  if (!isRecord(value)) throw invalid(`${where} is not a JSON object`);
  return value;
}

/** The records of a JSONL byte stream, one at a time. */
export async function* readSnapshotRecords(input: Readable | AsyncIterable<Buffer>, label = 'snapshot'): AsyncGenerator<SnapshotRecord> {
  let n = 0;
  for await (const batch of readLineBatches(input)) {
    for (const line of batch) yield parseSnapshotLine(line, `line ${++n} of ${label}`);
  }
}

/**
 * NDJSON in, validated JSONL out: each line must be a JSON object; its bytes are kept as they
 * came (so numbers stay byte for byte). `counter.records` counts what went through.
 */
export async function* validatedNdjson(input: Readable | AsyncIterable<Buffer>, counter: { records: number }): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let bytes = 0;
  for await (const batch of readLineBatches(input)) {
    for (const line of batch) {
      parseSnapshotLine(line, `line ${counter.records + 1}`);
      counter.records++;
      pending.push(line, NEWLINE);
      bytes += line.length + 1;
    }
    if (bytes >= CHUNK_BYTES) {
      yield Buffer.concat(pending, bytes);
      pending = [];
      bytes = 0;
    }
  }
  if (bytes > 0) yield Buffer.concat(pending, bytes);
}

/** Records (objects) in, JSONL bytes out, in chunks. */
export async function* recordsToJsonl(records: RecordSource, counter: { records: number } = { records: 0 }): AsyncGenerator<Buffer> {
  let text = '';
  for await (const record of records) {
    if (!isRecord(record)) throw invalid(`record ${counter.records + 1} is not a JSON object`);
    text += `${stringifyJson(record)}\n`;
    counter.records++;
    if (text.length >= CHUNK_BYTES) {
      yield Buffer.from(text);
      text = '';
    }
  }
  if (text.length > 0) yield Buffer.from(text);
}

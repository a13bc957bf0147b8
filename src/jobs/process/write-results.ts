import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseJson, stringifyJson } from '../../singer/lossless-json.js';

/** One record's fate as a write target reports it (docs/write-targets.md). */
export interface WriteResult {
  hash: unknown;
  success: boolean;
  id: unknown;
  externalId: unknown;
  error: unknown;
  existing?: boolean;
  updated?: boolean;
  deleted?: boolean;
}

export interface StreamWriteSummary {
  success: number;
  fail: number;
  existing: number;
  updated: number;
}

/** What a write job keeps in its `state`: the sums, and the results themselves while they are few. */
export interface WriteSummary {
  summary: Record<string, StreamWriteSummary>;
  /** Every result by stream, or null once there were more than the collector keeps in memory. */
  bookmarks: Record<string, WriteResult[]> | null;
  results: number;
}

/** Beyond this many results the job's state holds only the summary; the file holds them all. */
export const BOOKMARKS_KEPT_IN_STATE = 1000;

function isResult(value: unknown): value is WriteResult {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { success?: unknown }).success === 'boolean';
}

/**
 * The per-record results of a target's STATE values: `{ bookmarks: { stream: [result, …] } }`,
 * each holding one batch's results only. A plain Singer bookmark (`{ stream: { key: value } }`)
 * is not an array of results and is ignored, so read jobs are unaffected.
 */
function resultsIn(state: Record<string, unknown>): Array<[string, WriteResult[]]> {
  const bookmarks = state.bookmarks;
  if (typeof bookmarks !== 'object' || bookmarks === null || Array.isArray(bookmarks)) return [];
  const found: Array<[string, WriteResult[]]> = [];
  for (const [stream, value] of Object.entries(bookmarks as Record<string, unknown>)) {
    if (Array.isArray(value) && value.length > 0 && value.every(isResult)) found.push([stream, value]);
  }
  return found;
}

/**
 * Accumulates a write target's results over a run: each one appended as a JSON line to the
 * `export-details` file (streamed, so a run of millions of records stays in bounded memory) and
 * summed per stream. The file is created with the first result only.
 */
export class WriteResultCollector {
  private file: WriteStream | null = null;
  private readonly summary: Record<string, StreamWriteSummary> = {};
  private bookmarks: Record<string, WriteResult[]> | null = {};
  private count = 0;
  private fileError: Error | null = null;
  private finished: Promise<WriteSummary | null> | null = null;

  constructor(
    private readonly filePath: string,
    private readonly keepInState = BOOKMARKS_KEPT_IN_STATE,
  ) {}

  /** Takes one STATE value a target printed; waits when the file is behind (back-pressure). */
  async accept(state: Record<string, unknown>): Promise<void> {
    const lines: string[] = [];
    for (const [stream, results] of resultsIn(state)) {
      const sums = (this.summary[stream] ??= { success: 0, fail: 0, existing: 0, updated: 0 });
      for (const r of results) {
        const result: WriteResult = {
          hash: r.hash ?? null,
          success: r.success,
          id: r.id ?? null,
          externalId: r.externalId ?? null,
          error: r.error ?? null,
          ...(typeof r.existing === 'boolean' ? { existing: r.existing } : {}),
          ...(typeof r.updated === 'boolean' ? { updated: r.updated } : {}),
          ...(typeof r.deleted === 'boolean' ? { deleted: r.deleted } : {}),
        };
        if (result.success) {
          sums.success++;
          // existing and updated are subsets of success (docs/write-targets.md).
          if (result.existing) sums.existing++;
          if (result.updated) sums.updated++;
        } else {
          sums.fail++;
        }
        this.count++;
        if (this.bookmarks && this.count <= this.keepInState) (this.bookmarks[stream] ??= []).push(result);
        else this.bookmarks = null;
        lines.push(stringifyJson({ stream, ...result }));
      }
    }
    if (lines.length === 0) return;
    if (this.finished) throw new Error('results arrived after the export details were closed');
    if (!this.file) {
      this.file = createWriteStream(this.filePath, { flags: 'a' });
      // Kept for finish(): an unwatched stream error would otherwise crash the job process.
      this.file.on('error', (e) => (this.fileError ??= e));
    }
    if (this.fileError) throw this.fileError;
    if (!this.file.write(`${lines.join('\n')}\n`)) await once(this.file, 'drain');
  }

  /** Closes the file (once; later calls give the same answer); null when the target reported no results. */
  finish(): Promise<WriteSummary | null> {
    this.finished ??= this.close();
    return this.finished;
  }

  private async close(): Promise<WriteSummary | null> {
    if (this.file) {
      const file = this.file;
      // 'close' comes after the last byte is written, or after an error (autoDestroy).
      if (!file.closed) await new Promise<void>((resolve) => file.once('close', () => resolve()).end());
      if (this.fileError) throw new Error(`could not write the export details: ${this.fileError.message}`);
    }
    if (this.count === 0 && Object.keys(this.summary).length === 0) return null;
    return { summary: this.summary, bookmarks: this.bookmarks, results: this.count };
  }
}

/** One page of a job's export details, filtered by outcome. */
export interface ExportDetailsPage {
  summary: Record<string, StreamWriteSummary>;
  results: Array<Record<string, unknown>>;
  /** Where the next page starts, or null when this one holds the last matching result. */
  next_offset: number | null;
}

export interface ExportDetailsQuery {
  status?: 'success' | 'failure';
  limit: number;
  offset: number;
  /** The sums when already known (the job's state): then reading stops after the page. */
  summary?: Record<string, StreamWriteSummary>;
}

/** Reads an `export-details` file line by line (never all in memory) for one page of results. */
export async function readExportDetails(lines: AsyncIterable<Buffer>, query: ExportDetailsQuery): Promise<ExportDetailsPage> {
  const summing = query.summary === undefined;
  const summary: Record<string, StreamWriteSummary> = query.summary ?? {};
  const results: Array<Record<string, unknown>> = [];
  let matched = 0;
  let more = false;
  for await (const raw of lines) {
    let line: Record<string, unknown>;
    try {
      line = parseJson(raw.toString('utf8')) as Record<string, unknown>;
    } catch {
      continue; // a torn last line of a job that was killed mid-write
    }
    if (typeof line !== 'object' || line === null || typeof line.success !== 'boolean') continue;
    if (summing) {
      const sums = (summary[String(line.stream)] ??= { success: 0, fail: 0, existing: 0, updated: 0 });
      if (line.success) {
        sums.success++;
        if (line.existing === true) sums.existing++;
        if (line.updated === true) sums.updated++;
      } else {
        sums.fail++;
      }
    }
    if (query.status && line.success !== (query.status === 'success')) continue;
    matched++;
    if (matched <= query.offset) continue;
    if (results.length < query.limit) {
      results.push(line);
      continue;
    }
    more = true;
    if (!summing) break;
  }
  return { summary, results, next_offset: more ? query.offset + results.length : null };
}

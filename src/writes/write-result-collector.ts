import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { type ReportedWriteResult, resultsIn } from '../connectors/sdk/write-result.js';
import { stringifyJson } from '../singer/lossless-json.js';

export interface StreamWriteSummary {
  success: number;
  fail: number;
  existing: number;
  updated: number;
  /**
   * Records handed to the target for which it reported no result (it stopped early, or skipped
   * them): present only when there are some, so that an export cut short does not read as complete.
   */
  not_sent?: number;
}

/** What a rollback did per stream: remote records deleted, and those it could not undo. */
export interface StreamRollbackSummary {
  deleted: number;
  failed: number;
}

/** What a write job keeps in its `state`: the sums, and the results themselves while they are few. */
export interface WriteSummary {
  summary: Record<string, StreamWriteSummary>;
  /** Every result by stream, or null once there were more than the collector keeps in memory. */
  bookmarks: Record<string, ReportedWriteResult[]> | null;
  results: number;
  /** Present when the failed job was rolled back (roll back on failure). */
  rollback?: Record<string, StreamRollbackSummary>;
}

/**
 * The `state` a write job ends with: `{ summary }` by stream, the per-record results under
 * `bookmarks` when the collector kept them (few enough) — all of them are in `export-details` —
 * and what a rollback did under `rollback`.
 */
export function writeResultsState(results: WriteSummary): Record<string, unknown> {
  return {
    ...(results.bookmarks ? { bookmarks: results.bookmarks } : {}),
    summary: results.summary,
    ...(results.rollback ? { rollback: results.rollback } : {}),
  };
}

/** Beyond this many results the job's state holds only the summary; the file holds them all. */
export const BOOKMARKS_KEPT_IN_STATE = 1000;

/** Hears every batch of results a target reported (not those Sinew added itself). */
export type ResultListener = (stream: string, results: readonly ReportedWriteResult[]) => void;

/** Adds one result to a stream's sums: `existing` and `updated` are subsets of success. */
export function countResult(
  sums: StreamWriteSummary,
  result: Pick<ReportedWriteResult, 'existing' | 'updated'> & { success: unknown },
): void {
  if (result.success === true) {
    sums.success++;
    if (result.existing === true) sums.existing++;
    if (result.updated === true) sums.updated++;
  } else {
    sums.fail++;
  }
}

/** Adds one rollback result to a stream's rollback sums: deleted, or failed (not undone). */
export function countRollback(sums: StreamRollbackSummary, result: { success: unknown; deleted?: unknown }): void {
  if (result.success === true && result.deleted === true) sums.deleted++;
  else sums.failed++;
}

export const emptyStreamSummary = (): StreamWriteSummary => ({ success: 0, fail: 0, existing: 0, updated: 0 });

/**
 * Accumulates a write target's results over a run: each one appended as a JSON line to the
 * `export-details` file (streamed, so a run of millions of records stays in bounded memory) and
 * summed per stream. The file is created with the first result only. After `startRollback()`,
 * results are the rollback's: marked `phase: "rollback"` and summed apart.
 */
export class WriteResultCollector {
  private file: WriteStream | null = null;
  private readonly summary: Record<string, StreamWriteSummary> = {};
  private rollback: Record<string, StreamRollbackSummary> | null = null;
  private bookmarks: Record<string, ReportedWriteResult[]> | null = {};
  private count = 0;
  private fileError: Error | null = null;
  private finished: Promise<WriteSummary | null> | null = null;
  private readonly listeners: ResultListener[] = [];
  private lastWrite: Promise<void> = Promise.resolve();
  private sent: Readonly<Record<string, number>> | null = null;

  constructor(
    private readonly filePath: string,
    private readonly keepInState = BOOKMARKS_KEPT_IN_STATE,
    /**
     * Rewrites a result's `error` text before it is kept or passed on (the job's secret scrubber):
     * a target's per-record error may quote the credentials it was given, and tenants read these.
     */
    private readonly scrubError: (text: string) => string = (text) => text,
  ) {}

  onResults(listener: ResultListener): void {
    this.listeners.push(listener);
  }

  /** Takes one STATE value a target printed; waits when the file is behind (back-pressure). */
  async accept(state: Record<string, unknown>): Promise<void> {
    const batches = resultsIn(state).map(([stream, results]) => [stream, results.map((r) => this.scrubbed(r))] as const);
    for (const [stream, results] of batches) for (const listener of this.listeners) listener(stream, results);
    await this.write(batches);
  }

  /** Results Sinew itself decided (an unchanged duplicate, a rollback it could not attempt). */
  async add(stream: string, results: readonly ReportedWriteResult[]): Promise<void> {
    if (results.length > 0) await this.write([[stream, results.map((r) => this.scrubbed(r))]]);
  }

  private scrubbed(result: ReportedWriteResult): ReportedWriteResult {
    return typeof result.error === 'string' ? { ...result, error: this.scrubError(result.error) } : result;
  }

  /** From now on results are a rollback's (the job failed and its creations are being deleted). */
  startRollback(): void {
    this.rollback ??= {};
  }

  /** Resolves once everything accepted so far is in the file (so the file can be read). */
  async flushed(): Promise<void> {
    await this.lastWrite;
    if (this.fileError) throw this.fileError;
  }

  private async write(batches: ReadonlyArray<readonly [string, readonly ReportedWriteResult[]]>): Promise<void> {
    const lines: string[] = [];
    for (const [stream, results] of batches) {
      if (this.rollback) {
        const sums = (this.rollback[stream] ??= { deleted: 0, failed: 0 });
        for (const result of results) {
          countRollback(sums, result);
          lines.push(stringifyJson({ stream, phase: 'rollback', ...result }));
        }
        continue;
      }
      const sums = (this.summary[stream] ??= emptyStreamSummary());
      for (const result of results) {
        countResult(sums, result);
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
    const file = this.file;
    let ready = true;
    // Write callbacks run in order (also after an error), so the last one marks everything written.
    this.lastWrite = new Promise<void>((resolve) => {
      ready = file.write(`${lines.join('\n')}\n`, () => resolve());
    });
    if (!ready) await once(file, 'drain');
  }

  /**
   * How many records of each stream the target was given: those it never answered for are counted
   * as `not_sent` when the results are closed (only for a target that reports results at all).
   */
  expectSent(sent: Readonly<Record<string, number>>): void {
    this.sent = sent;
  }

  /** Closes the file (once; later calls give the same answer); null when the target reported no results. */
  finish(): Promise<WriteSummary | null> {
    this.finished ??= this.close();
    return this.finished;
  }

  private countNotSent(sent: Readonly<Record<string, number>>): void {
    for (const [stream, given] of Object.entries(sent)) {
      const sums = this.summary[stream] ?? emptyStreamSummary();
      const missing = given - sums.success - sums.fail;
      if (missing > 0) this.summary[stream] = { ...sums, not_sent: missing };
    }
  }

  private async close(): Promise<WriteSummary | null> {
    if (this.sent && this.count > 0) this.countNotSent(this.sent);
    if (this.file) {
      const file = this.file;
      // 'close' comes after the last byte is written, or after an error (autoDestroy).
      if (!file.closed) await new Promise<void>((resolve) => file.once('close', () => resolve()).end());
      if (this.fileError) throw new Error(`could not write the export details: ${this.fileError.message}`);
    }
    if (this.count === 0 && Object.keys(this.summary).length === 0 && !this.rollback) return null;
    return { summary: this.summary, bookmarks: this.bookmarks, results: this.count, ...(this.rollback ? { rollback: this.rollback } : {}) };
  }
}

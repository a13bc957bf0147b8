import { parseJson } from '../singer/lossless-json.js';
import {
  countResult,
  countRollback,
  emptyStreamSummary,
  type StreamRollbackSummary,
  type StreamWriteSummary,
} from './write-result-collector.js';

/** One page of a job's export details, filtered by outcome. */
export interface ExportDetailsPage {
  summary: Record<string, StreamWriteSummary>;
  /** When the failed job was rolled back: per stream, remote records deleted and those not undone. */
  rollback?: Record<string, StreamRollbackSummary>;
  results: Array<Record<string, unknown>>;
  /** Where the next page starts, or null when this one holds the last matching result. */
  next_offset: number | null;
}

export interface ExportDetailsQuery {
  status?: 'success' | 'failure';
  /** `write` (default): the job's own results; `rollback`: what its rollback did. */
  phase?: 'write' | 'rollback';
  limit: number;
  offset: number;
  /** The sums of a completed job (its state): then reading stops after the page. */
  summary?: Record<string, StreamWriteSummary>;
}

/** Reads an `export-details` file line by line (never all in memory) for one page of results. */
export async function readExportDetails(lines: AsyncIterable<Buffer>, query: ExportDetailsQuery): Promise<ExportDetailsPage> {
  const summing = query.summary === undefined;
  const summary: Record<string, StreamWriteSummary> = query.summary ?? {};
  let rollback: Record<string, StreamRollbackSummary> | undefined;
  const wantRollback = query.phase === 'rollback';
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
    const isRollback = line.phase === 'rollback';
    if (isRollback) {
      // Rollback lines come last and are few: always summed, so a page can tell a rolled-back job.
      countRollback(
        ((rollback ??= {})[String(line.stream)] ??= { deleted: 0, failed: 0 }),
        line as { success: boolean; deleted?: unknown },
      );
    } else if (summing) {
      countResult(
        (summary[String(line.stream)] ??= emptyStreamSummary()),
        line as { success: boolean; existing?: boolean; updated?: boolean },
      );
    }
    if (isRollback !== wantRollback) continue;
    if (query.status && line.success !== (query.status === 'success')) continue;
    matched++;
    if (matched <= query.offset) continue;
    if (results.length < query.limit) {
      results.push(line);
      continue;
    }
    more = true;
    // Past the page only sums are still wanted. A known summary means a completed job, which has
    // no rollback lines: nothing more to read.
    if (!summing) break;
  }
  return { summary, ...(rollback ? { rollback } : {}), results, next_offset: more ? query.offset + results.length : null };
}

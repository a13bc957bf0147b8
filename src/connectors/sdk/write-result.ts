import type { WriteRecord } from './write-record.js';

/** The fate of one record, as the result protocol (docs/write-targets.md) carries it. */
export interface WriteResult {
  hash: string;
  success: boolean;
  /** The id of the record in the target system. */
  id: string | null;
  externalId: string | null;
  /** The remote system's message (status code + body excerpt) when `success` is false. */
  error: string | null;
  /** The remote record already held exactly this data: nothing changed. */
  existing?: boolean;
  /** An existing remote record was updated (rather than created). */
  updated?: boolean;
  /** The remote record was deleted (a `__sinew_delete` request). */
  deleted?: boolean;
}

export interface StreamSummary {
  success: number;
  fail: number;
  existing: number;
  updated: number;
}

export function succeeded(
  record: WriteRecord,
  id: string | null,
  flags: { existing?: boolean; updated?: boolean; deleted?: boolean } = {},
): WriteResult {
  const result: WriteResult = { hash: record.hash, success: true, id, externalId: record.externalId, error: null };
  // Reported whenever the target knows them (false included); left out when it cannot tell.
  if (flags.existing !== undefined) result.existing = flags.existing;
  if (flags.updated !== undefined) result.updated = flags.updated;
  if (flags.deleted) result.deleted = true;
  return result;
}

export function failed(record: WriteRecord, error: string): WriteResult {
  return { hash: record.hash, success: false, id: record.remoteId, externalId: record.externalId, error };
}

export function summarize(results: readonly WriteResult[]): StreamSummary {
  const summary: StreamSummary = { success: 0, fail: 0, existing: 0, updated: 0 };
  for (const r of results) {
    if (r.success) summary.success++;
    else summary.fail++;
    if (r.existing) summary.existing++;
    if (r.updated) summary.updated++;
  }
  return summary;
}

/** Results of writes, per stream, with their sums: a target's STATE, a real-time write's answer. */
export type ResultsState = {
  bookmarks: Record<string, readonly WriteResult[]>;
  summary: Record<string, StreamSummary>;
};

/** The STATE value a target emits after a batch: that batch's results only (Sinew accumulates). */
export function resultsState(stream: string, results: readonly WriteResult[]): ResultsState {
  return { bookmarks: { [stream]: results }, summary: { [stream]: summarize(results) } };
}

/**
 * One record's fate as any write target reports it, Sinew's or a third party's: the protocol's
 * fields with whatever JSON values the target sent (Sinew's own targets send WriteResult).
 */
export interface ReportedWriteResult {
  hash: unknown;
  success: boolean;
  id: unknown;
  externalId: unknown;
  error: unknown;
  existing?: boolean;
  updated?: boolean;
  deleted?: boolean;
}

function isResult(value: unknown): value is ReportedWriteResult {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { success?: unknown }).success === 'boolean'
  );
}

/**
 * The per-record results of a target's STATE value: `{ bookmarks: { stream: [result, …] } }`,
 * each holding one batch's results only. A plain Singer bookmark (`{ stream: { key: value } }`)
 * is not an array of results and is ignored, so read jobs are unaffected.
 */
export function resultsIn(state: Record<string, unknown>): Array<[string, ReportedWriteResult[]]> {
  const bookmarks = state.bookmarks;
  if (typeof bookmarks !== 'object' || bookmarks === null || Array.isArray(bookmarks)) return [];
  const found: Array<[string, ReportedWriteResult[]]> = [];
  for (const [stream, value] of Object.entries(bookmarks as Record<string, unknown>)) {
    if (Array.isArray(value) && value.length > 0 && value.every(isResult)) found.push([stream, value.map(normalized)]);
  }
  return found;
}

/** The result protocol's fields only, with nulls for what the target left out. */
function normalized(r: ReportedWriteResult): ReportedWriteResult {
  return {
    hash: r.hash ?? null,
    success: r.success,
    id: r.id ?? null,
    externalId: r.externalId ?? null,
    error: r.error ?? null,
    ...(typeof r.existing === 'boolean' ? { existing: r.existing } : {}),
    ...(typeof r.updated === 'boolean' ? { updated: r.updated } : {}),
    ...(typeof r.deleted === 'boolean' ? { deleted: r.deleted } : {}),
  };
}

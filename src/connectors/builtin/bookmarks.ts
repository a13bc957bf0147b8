import { compareNumber, isLosslessNumber, isNumber } from 'lossless-json';
import { isDateTimeText } from './date-time-text.js';

/**
 * Replication-key bookmarks in the Singer shape
 * `{ bookmarks: { <stream>: { replication_key, replication_key_value } } }`.
 */

function bookmarksOf(state: Record<string, unknown>): Record<string, unknown> {
  const bookmarks = state.bookmarks;
  return bookmarks !== null && typeof bookmarks === 'object' && !Array.isArray(bookmarks) ? (bookmarks as Record<string, unknown>) : {};
}

/** The stream's bookmark value, or undefined when there is none for this replication key. */
export function readBookmark(state: Record<string, unknown>, stream: string, key: string): unknown {
  const entry = bookmarksOf(state)[stream] as Record<string, unknown> | undefined;
  if (entry === null || typeof entry !== 'object') return undefined;
  // A bookmark taken on another column says nothing about this one.
  if (entry.replication_key !== undefined && entry.replication_key !== key) return undefined;
  const value = entry.replication_key_value;
  return value === null ? undefined : value;
}

/** A new state with this stream's bookmark replaced; every other stream's bookmark is kept. */
export function withBookmark(state: Record<string, unknown>, stream: string, key: string, value: unknown): Record<string, unknown> {
  return {
    ...state,
    bookmarks: { ...bookmarksOf(state), [stream]: { replication_key: key, replication_key_value: value } },
  };
}

function numericText(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint' || isLosslessNumber(value)) return value.toString();
  if (typeof value === 'string' && isNumber(value)) return value;
  return undefined;
}

/**
 * Orders two replication-key values: numerically when both are numbers (exact, even past 2^53),
 * by instant when both are date-times (offsets differ between rows), else as text.
 */
export function compareReplicationValues(a: unknown, b: unknown): number {
  const na = numericText(a);
  const nb = numericText(b);
  if (na !== undefined && nb !== undefined) return compareNumber(na, nb);
  const ta = String(a);
  const tb = String(b);
  if (isDateTimeText(ta) && isDateTimeText(tb)) {
    const diff = Date.parse(ta) - Date.parse(tb);
    if (diff !== 0) return Math.sign(diff);
  }
  return ta < tb ? -1 : ta > tb ? 1 : 0;
}

/** Follows one stream's replication key through a sync: which rows are new, and the new maximum. */
export class BookmarkTracker {
  private highest: unknown;

  constructor(private readonly bookmark: unknown) {
    this.highest = bookmark;
  }

  /** Rows with an empty key cannot be proven newer than a bookmark, so they only pass without one. */
  admits(value: unknown): boolean {
    if (this.bookmark === undefined) return true;
    return value !== null && value !== undefined && compareReplicationValues(value, this.bookmark) > 0;
  }

  observe(value: unknown): void {
    if (value === null || value === undefined) return;
    if (this.highest === undefined || compareReplicationValues(value, this.highest) > 0) this.highest = value;
  }

  get max(): unknown {
    return this.highest;
  }
}

import { isLosslessNumber, stringifyJson } from '../singer/lossless-json.js';

type State = Record<string, unknown>;

export interface StateCommit {
  /** What the link keeps. */
  state: State | null;
  /** Why it is not simply the job's new state, for the job's message; null when it is. */
  note: string | null;
}

const sameJson = (a: unknown, b: unknown): boolean => stringifyJson(a ?? null) === stringifyJson(b ?? null);

/**
 * The incremental state a completed job leaves on its link. The job's new state is kept, except:
 * - the job printed no STATE: the link keeps the state it had (a job that moved nothing moves no bookmark);
 * - the link's state was changed while the job ran (reset or set through the API): that change wins;
 * - a stream's bookmark would go back past the one the job started from: that stream keeps its
 *   bookmark (a regressing bookmark re-syncs rows, or, read the other way, skips none; going
 *   backwards is never what a completed job means).
 */
export function stateToCommit(args: {
  current: State | null;
  atStart: State | null;
  startedFrom: State | null;
  next: State | null;
}): StateCommit {
  const { current, atStart, startedFrom, next } = args;
  if (next === null) return { state: current, note: null };
  if (!sameJson(current, atStart)) {
    return {
      state: current,
      note: "the link's state was changed while the job ran; that change was kept and the job's new state was not saved",
    };
  }
  const kept = keepForwardBookmarks(startedFrom, next);
  return kept.streams.length === 0
    ? { state: next, note: null }
    : {
        state: kept.state,
        note: `the tap's bookmark went backwards for stream(s) ${kept.streams.map((s) => `"${s}"`).join(', ')}; their earlier bookmark was kept`,
      };
}

function bookmarksOf(state: State | null): Record<string, Record<string, unknown>> {
  const b = state?.bookmarks;
  return b && typeof b === 'object' && !Array.isArray(b) ? (b as Record<string, Record<string, unknown>>) : {};
}

function keepForwardBookmarks(startedFrom: State | null, next: State): { state: State; streams: string[] } {
  const before = bookmarksOf(startedFrom);
  const after = bookmarksOf(next);
  const streams: string[] = [];
  const merged: Record<string, unknown> = { ...after };
  for (const [stream, old] of Object.entries(before)) {
    const now = after[stream];
    if (!now || typeof now !== 'object' || typeof old !== 'object' || old === null) continue;
    if (old.replication_key !== undefined && now.replication_key !== undefined && old.replication_key !== now.replication_key) continue;
    if (compareValues(now.replication_key_value, old.replication_key_value) < 0) {
      merged[stream] = old;
      streams.push(stream);
    }
  }
  return streams.length === 0 ? { state: next, streams } : { state: { ...next, bookmarks: merged }, streams };
}

const INTEGER = /^-?\d+$/;

/** Orders two bookmark values of one kind (numbers, or timestamps / strings); 0 when they do not compare. */
export function compareValues(a: unknown, b: unknown): number {
  const numA = numberText(a);
  const numB = numberText(b);
  if (numA !== null && numB !== null) {
    if (INTEGER.test(numA) && INTEGER.test(numB)) {
      const x = BigInt(numA);
      const y = BigInt(numB);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    return Math.sign(Number(numA) - Number(numB));
  }
  if (typeof a === 'string' && typeof b === 'string') {
    const ta = Date.parse(a);
    const tb = Date.parse(b);
    if (!Number.isNaN(ta) && !Number.isNaN(tb) && ta !== tb) return Math.sign(ta - tb);
    return a < b ? -1 : a > b ? 1 : 0;
  }
  return 0;
}

function numberText(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'bigint') return v.toString();
  if (isLosslessNumber(v)) return (v as { value: string }).value;
  return null;
}

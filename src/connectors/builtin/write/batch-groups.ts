import type { WriteRecord } from '../../sdk/write-record.js';
import { failed, type WriteResult } from '../../sdk/write-result.js';
import { errorText, isWriteImpossible, withPartialResults } from './write-failure.js';

const NO_RESULT = 'the write answered no result for this record';

/**
 * Each record with its result, a call's results being in its records' order. A record the call
 * answered no result for is failed rather than lost.
 */
export function pairResults(records: readonly WriteRecord[], results: readonly WriteResult[]): Array<[WriteRecord, WriteResult]> {
  return records.map((record, i) => [record, results[i] ?? failed(record, NO_RESULT)]);
}

/** One call for `records`: a failure of the call fails those records only, unless it makes every write impossible. */
export async function guardCall(records: readonly WriteRecord[], body: () => Promise<WriteResult[]>): Promise<WriteResult[]> {
  try {
    return await body();
  } catch (error) {
    if (isWriteImpossible(error)) throw error;
    return records.map((r) => failed(r, errorText(error)));
  }
}

/** `guardCall` for a call that writes one record: its one result. */
export async function guardCallOne(record: WriteRecord, body: () => Promise<WriteResult[]>): Promise<WriteResult> {
  const [result] = await guardCall([record], body);
  return result ?? failed(record, NO_RESULT);
}

/**
 * One call per record, at most `limit` at a time, in input order. At the first error that makes
 * every write impossible no further record is started, and that error is thrown carrying the
 * results of the records already written (and of `alreadyDone`).
 */
export async function writeEach(
  records: readonly WriteRecord[],
  limit: number,
  write: (record: WriteRecord) => Promise<WriteResult>,
  alreadyDone: readonly WriteResult[] = [],
): Promise<WriteResult[]> {
  const results: Array<WriteResult | undefined> = new Array(records.length);
  let fatal: unknown = null;
  let next = 0;
  async function lane(): Promise<void> {
    while (fatal === null) {
      const index = next++;
      const record = records[index];
      if (record === undefined) return; // every record is started
      try {
        results[index] = await write(record);
      } catch (error) {
        if (!isWriteImpossible(error)) throw error;
        fatal ??= error;
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, records.length)) }, lane));
  if (fatal !== null) throw withPartialResults(fatal, [...alreadyDone, ...results.filter((r): r is WriteResult => r !== undefined)]);
  return results as WriteResult[];
}

/**
 * A batch written as groups of its records (creates, updates, deletes…), one group after the
 * other; the results come back in the batch's order. When a group makes every write impossible,
 * the error carries what the earlier groups wrote.
 */
export async function writeInGroups(
  records: readonly WriteRecord[],
  groups: ReadonlyArray<readonly [WriteRecord[], (group: WriteRecord[]) => Promise<WriteResult[]>]>,
): Promise<WriteResult[]> {
  const results = new Map<WriteRecord, WriteResult>();
  try {
    for (const [group, write] of groups) {
      if (group.length === 0) continue;
      for (const [record, result] of pairResults(group, await write(group))) results.set(record, result);
    }
  } catch (error) {
    throw withPartialResults(error, [...results.values()]);
  }
  return records.map((r) => results.get(r)!);
}

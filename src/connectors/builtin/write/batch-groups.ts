import type { WriteRecord } from '../../sdk/write-record.js';
import type { WriteResult } from '../../sdk/write-result.js';
import { isWriteImpossible, withPartialResults } from './write-failure.js';

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
    while (next < records.length && fatal === null) {
      const index = next++;
      try {
        results[index] = await write(records[index]);
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
      const outcome = await write(group);
      group.forEach((record, i) => results.set(record, outcome[i]));
    }
  } catch (error) {
    throw withPartialResults(error, [...results.values()]);
  }
  return records.map((r) => results.get(r)!);
}

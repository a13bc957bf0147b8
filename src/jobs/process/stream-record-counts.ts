import { createReadStream } from 'node:fs';
import { classifyLine } from '../../singer/line-classifier.js';
import { readLineBatches } from '../../singer/line-reader.js';
import type { StreamSelection } from '../../singer/stream-selection.js';

/** RECORDs per stream in a Singer file (an ETL script's output), read line by line. */
export async function countRecords(file: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for await (const batch of readLineBatches(createReadStream(file, { highWaterMark: 1024 * 1024 }))) {
    for (const raw of batch) {
      const line = classifyLine(raw);
      if (line.kind === 'message' && line.type === 'RECORD' && line.stream !== null) counts[line.stream] = (counts[line.stream] ?? 0) + 1;
    }
  }
  return counts;
}

/** Counts of the tap's streams under the names the field map gives them, unselected ones left out. */
export function shapedCounts(selection: StreamSelection, counts: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [stream, n] of Object.entries(counts)) {
    if (selection.chosen(stream) === false) continue;
    const name = selection.entry(stream)?.entry.rename ?? stream;
    out[name] = (out[name] ?? 0) + n;
  }
  return out;
}

import { createReadStream } from 'node:fs';
import { SinewError } from '../../../errors/sinew-error.js';
import { readLines } from '../../../singer/line-reader.js';
import { parseJson } from '../../../singer/lossless-json.js';

function failure(file: string, n: number, problem: string): SinewError {
  return new SinewError('CONNECTOR_FAILED', `jsonl: ${file}, non-empty line ${n}: ${problem}`, { file, line: n });
}

/**
 * The records of a JSON Lines file, one object per non-blank line, pulled one at a time from the
 * file (never all of it in memory); numbers are kept exactly (see singer/lossless-json.ts).
 */
export async function* readJsonlRecords(file: string): AsyncGenerator<Record<string, unknown>> {
  const input = createReadStream(file);
  let n = 0;
  try {
    for await (const line of readLines(input)) {
      n += 1;
      let text = line.toString('utf8');
      if (n === 1 && text.startsWith('\uFEFF')) text = text.slice(1);
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = parseJson(text);
      } catch (error) {
        throw failure(file, n, (error as Error).message);
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw failure(file, n, 'not a JSON object');
      yield value as Record<string, unknown>;
    }
  } finally {
    input.destroy();
  }
}

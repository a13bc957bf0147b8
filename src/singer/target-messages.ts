import type { SingerMessage } from './message.js';
import { classifyLine } from './line-classifier.js';

const KNOWN_TYPES = new Set(['SCHEMA', 'RECORD', 'STATE', 'ACTIVATE_VERSION', 'BATCH']);

/**
 * What a target acts on, from the lines it is given: the Singer messages, in order. Lines that are
 * not Singer messages are skipped with a warning naming the line; message types a target does
 * not know are skipped with one warning per type. A built-in target reads its stdin this way as a
 * Singer process, and its input stream the same way when a job runs it in-process.
 */
export async function* targetMessages(lines: AsyncIterable<Buffer>, name: string, warn: (message: string) => void): AsyncGenerator<SingerMessage> {
  const warnedTypes = new Set<string>();
  let lineNumber = 0;
  for await (const raw of lines) {
    lineNumber++;
    const classified = classifyLine(raw);
    if (classified.kind === 'invalid') {
      warn(`${name}: skipping line ${lineNumber}: ${classified.reason}: ${raw.toString('utf8', 0, 120)}`);
      continue;
    }
    if (!KNOWN_TYPES.has(classified.type)) {
      if (!warnedTypes.has(classified.type)) warn(`${name}: ignoring messages of type ${classified.type}`);
      warnedTypes.add(classified.type);
      continue;
    }
    yield classified.message() as SingerMessage;
  }
}

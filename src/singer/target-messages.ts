import { classifyLine } from './line-classifier.js';
import type { SingerMessage } from './message.js';

const KNOWN_TYPES = new Set(['SCHEMA', 'RECORD', 'STATE', 'ACTIVATE_VERSION', 'BATCH']);

/**
 * What a target acts on, line by line: the Singer message of a line, or null for a line to skip.
 * Lines that are not Singer messages are skipped with a warning naming the line; message types a
 * target does not know are skipped with one warning per type.
 */
export class TargetLineReader {
  private readonly warnedTypes = new Set<string>();
  private lineNumber = 0;

  constructor(
    private readonly name: string,
    private readonly warn: (message: string) => void,
  ) {}

  /** A line read elsewhere (its message handed over already parsed): counted, so warnings name lines right. */
  skipLine(): void {
    this.lineNumber++;
  }

  message(raw: Buffer): SingerMessage | null {
    this.lineNumber++;
    const classified = classifyLine(raw);
    if (classified.kind === 'invalid') {
      this.warn(`${this.name}: skipping line ${this.lineNumber}: ${classified.reason}: ${raw.toString('utf8', 0, 120)}`);
      return null;
    }
    if (!KNOWN_TYPES.has(classified.type)) {
      if (!this.warnedTypes.has(classified.type)) this.warn(`${this.name}: ignoring messages of type ${classified.type}`);
      this.warnedTypes.add(classified.type);
      return null;
    }
    return classified.message() as SingerMessage;
  }
}

/**
 * The messages of a target's input lines, in order (see TargetLineReader). A built-in target reads
 * its stdin this way as a Singer process, and its input stream the same way when a job runs it
 * in-process.
 */
export async function* targetMessages(
  lines: AsyncIterable<Buffer>,
  name: string,
  warn: (message: string) => void,
): AsyncGenerator<SingerMessage> {
  const reader = new TargetLineReader(name, warn);
  for await (const raw of lines) {
    const message = reader.message(raw);
    if (message) yield message;
  }
}

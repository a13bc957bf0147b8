import type { ClassifiedLine } from '../../singer/line-classifier.js';
import type { StateMessage } from '../../singer/message.js';
import type { JobLog } from './job-log.js';

const INVALID_LINES_LOGGED = 20;

/** Tallies what a Singer stream carried: records per stream, the last STATE, lines that were not messages. */
export class StreamTally {
  readonly recordCount: Record<string, number> = {};
  invalidLines = 0;
  lastState: Record<string, unknown> | null = null;

  constructor(
    private readonly log: JobLog,
    private readonly who: string,
  ) {}

  /** Returns true when the line is a Singer message that should travel on. */
  take(line: ClassifiedLine): boolean {
    if (line.kind === 'invalid') {
      this.invalidLines++;
      if (this.invalidLines <= INVALID_LINES_LOGGED) {
        const text = line.raw.subarray(0, 300).toString('utf8');
        this.log.write(`${this.who} printed a line that is not a Singer message (${line.reason}): ${text}`);
      } else if (this.invalidLines === INVALID_LINES_LOGGED + 1) {
        this.log.write(`${this.who}: further non-Singer lines are counted but not logged`);
      }
      return false;
    }
    if (line.type === 'RECORD' && line.stream !== null) {
      this.recordCount[line.stream] = (this.recordCount[line.stream] ?? 0) + 1;
    } else if (line.type === 'STATE') {
      this.lastState = (line.message() as StateMessage).value ?? null;
    }
    return true;
  }
}

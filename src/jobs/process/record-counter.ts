import type { ClassifiedLine } from '../../singer/line-classifier.js';
import type { StateMessage } from '../../singer/message.js';
import { isValidUtf8, isWholeJsonObject, looksLikeRecord } from '../../singer/record-line-check.js';
import type { JobLog } from './job-log.js';
import { PhaseFailure } from './phase-failure.js';

const INVALID_LINES_LOGGED = 20;

/**
 * Tallies what a tap's stdout carried and checks it on the way: records per stream, the last
 * STATE, lines that were not messages. What it decides, per case (docs/singer.md):
 * - a line that is not a Singer message (a log line on stdout): counted, logged, skipped;
 * - a RECORD that is not one whole JSON object, a RECORD before its stream's SCHEMA, a message
 *   that is not valid UTF-8: the sync fails, naming the line number and the stream;
 * - a stream the job did not select (`exclude`): its messages are left out and counted.
 */
export class StreamTally {
  readonly recordCount: Record<string, number> = {};
  /** RECORDs of streams the job did not select, left out at the sync. */
  readonly leftOut: Record<string, number> = {};
  invalidLines = 0;
  lines = 0;
  lastState: Record<string, unknown> | null = null;
  private readonly schemas = new Set<string>();
  private readonly excluded = new Map<string, boolean>();

  private exclude: (stream: string) => boolean = () => false;

  constructor(
    private readonly log: JobLog,
    private readonly who: string,
  ) {}

  /** Streams the job did not select, once the catalog is known: their messages are left out. */
  excludeStreams(exclude: (stream: string) => boolean): void {
    this.exclude = exclude;
    this.excluded.clear();
  }

  /** Returns true when the line is a Singer message that should travel on; throws on a broken one. */
  take(line: ClassifiedLine): boolean {
    this.lines++;
    if (line.kind === 'invalid') {
      if (looksLikeRecord(line.raw)) throw this.broken(`a RECORD line that is not valid JSON (${line.reason})`, null);
      this.invalidLines++;
      if (this.invalidLines <= INVALID_LINES_LOGGED) {
        const text = line.raw.subarray(0, 300).toString('utf8');
        this.log.write(`${this.who} printed a line that is not a Singer message (${line.reason}): ${text}`);
      } else if (this.invalidLines === INVALID_LINES_LOGGED + 1) {
        this.log.write(`${this.who}: further non-Singer lines are counted but not logged`);
      }
      return false;
    }
    if (!isValidUtf8(line.raw)) throw this.broken('a line that is not valid UTF-8', line.stream);
    const stream = line.stream;
    if (line.type === 'RECORD' && stream !== null) {
      if (!this.schemas.has(stream)) throw this.broken('a RECORD before any SCHEMA of its stream', stream);
      if (!isWholeJsonObject(line.raw)) throw this.broken('a RECORD line that is not valid JSON (cut short or unbalanced)', stream);
      if (this.isExcluded(stream)) {
        this.leftOut[stream] = (this.leftOut[stream] ?? 0) + 1;
        return false;
      }
      this.recordCount[stream] = (this.recordCount[stream] ?? 0) + 1;
      return true;
    }
    if (line.type === 'SCHEMA' && stream !== null) this.schemas.add(stream);
    else if (line.type === 'STATE') this.lastState = (line.message() as StateMessage).value ?? null;
    return stream === null || !this.isExcluded(stream);
  }

  private isExcluded(stream: string): boolean {
    let answer = this.excluded.get(stream);
    if (answer === undefined) this.excluded.set(stream, (answer = this.exclude(stream)));
    return answer;
  }

  private broken(what: string, stream: string | null): PhaseFailure {
    return new PhaseFailure(
      'sync',
      `the ${this.who} printed ${what} at line ${this.lines}${stream !== null ? ` (stream "${stream}")` : ''}`,
    );
  }
}

import { createWriteStream, type WriteStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/** How much of a connector's stderr reaches its log file: the first and the last bytes. */
export interface StderrLogLimits {
  headBytes: number;
  tailBytes: number;
}

/** 5 MiB + 5 MiB: enough for any useful log, while a tap stuck in a loop of warnings cannot fill the disk. */
export const DEFAULT_STDERR_LOG_LIMITS: StderrLogLimits = { headBytes: 5 * 1024 * 1024, tailBytes: 5 * 1024 * 1024 };

const NEWLINE = 0x0a;

/**
 * Rewrites a process's output before it is kept (a job's secret scrubber). Stateful: `write` may
 * hold text back (a secret cut between two chunks), `end` gives what it held.
 */
export interface OutputFilter {
  write(text: string): string;
  end(): string;
}

/** The line written where the middle of the output was left out, so a reader knows the gap is there. */
export function droppedNotice(bytes: number): string {
  return `[sinew: ${bytes} bytes of stderr dropped here]\n`;
}

/**
 * Appends a process's output to a file keeping only its head and its tail. The head is written as
 * it comes; the tail is a ring of chunks held in memory up to its limit and written at `end()`,
 * after a line telling how many bytes in between were dropped. So a connector that logs gigabytes
 * costs head + tail bytes of disk and at most the tail limit of memory.
 */
export class BoundedLog {
  private readonly file: WriteStream;
  private headLeft: number;
  private lastHeadByte = NEWLINE;
  private readonly tail: Buffer[] = [];
  private tailSize = 0;
  private dropped = 0;
  private readonly decoder = new StringDecoder('utf8');

  constructor(
    path: string,
    private readonly limits: StderrLogLimits = DEFAULT_STDERR_LOG_LIMITS,
    /** Applied to the text before it is counted and kept: what reaches the file is what it returns. */
    private readonly filter?: OutputFilter,
  ) {
    this.file = createWriteStream(path, { flags: 'a' });
    // A log that cannot be written must not take the connector (or the job) down with it.
    this.file.on('error', () => {});
    this.headLeft = Math.max(0, Math.floor(limits.headBytes));
  }

  write(chunk: Buffer): void {
    this.keep(this.filter ? Buffer.from(this.filter.write(this.decoder.write(chunk))) : chunk);
  }

  private keep(chunk: Buffer): void {
    let rest = chunk;
    if (this.headLeft > 0) {
      const head = rest.subarray(0, this.headLeft);
      this.file.write(head);
      this.headLeft -= head.length;
      this.lastHeadByte = head[head.length - 1] ?? this.lastHeadByte;
      rest = rest.subarray(head.length);
    }
    if (rest.length > 0) this.keepInTail(rest);
  }

  /** Writes the dropped-bytes notice and the tail, then closes the file. */
  end(): Promise<void> {
    if (this.filter) this.keep(Buffer.from(this.filter.write(this.decoder.end()) + this.filter.end()));
    if (this.dropped > 0) {
      // The notice gets a line of its own even when the head stopped mid-line.
      this.file.write(`${this.lastHeadByte === NEWLINE ? '' : '\n'}${droppedNotice(this.dropped)}`);
    }
    for (const chunk of this.tail) this.file.write(chunk);
    this.tail.length = 0;
    return new Promise((resolve) => this.file.end(resolve));
  }

  private keepInTail(chunk: Buffer): void {
    const limit = Math.max(0, Math.floor(this.limits.tailBytes));
    // A small slice would pin the whole buffer it was cut from; a copy keeps memory to what is kept.
    this.tail.push(chunk.length * 2 < chunk.buffer.byteLength ? Buffer.from(chunk) : chunk);
    this.tailSize += chunk.length;
    while (this.tailSize > limit) {
      const first = this.tail[0]!;
      const excess = this.tailSize - limit;
      if (first.length <= excess) {
        this.tail.shift();
        this.tailSize -= first.length;
        this.dropped += first.length;
      } else {
        this.tail[0] = first.subarray(excess);
        this.tailSize -= excess;
        this.dropped += excess;
      }
    }
  }
}

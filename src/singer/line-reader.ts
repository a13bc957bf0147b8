import type { Readable } from 'node:stream';
import { SinewError } from '../errors/sinew-error.js';

export const DEFAULT_MAX_LINE_BYTES = 256 * 1024 * 1024;

export interface ReadLinesOptions {
  /** A line longer than this (without its newline) is an error; default 256 MiB. */
  maxLineBytes?: number;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Splits a byte stream into lines without decoding it. Lines inside one chunk are views
 * (`subarray`) of that chunk — no copy; only a line spanning chunks is concatenated, once.
 * A caller that keeps a line for long should copy it, or it pins its whole chunk in memory.
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly maxLineBytes: number;

  constructor(options: ReadLinesOptions = {}) {
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  }

  /** The complete, non-empty lines this chunk finishes (without `\n` or a trailing `\r`). */
  push(chunk: Buffer): Buffer[] {
    const lines: Buffer[] = [];
    let start = 0;
    let end = chunk.indexOf(NEWLINE, start);
    while (end !== -1) {
      let line: Buffer;
      if (this.pending.length > 0) {
        this.checkLength(this.pendingBytes + (end - start));
        this.pending.push(chunk.subarray(start, end));
        line = Buffer.concat(this.pending, this.pendingBytes + (end - start));
        this.pending = [];
        this.pendingBytes = 0;
      } else {
        this.checkLength(end - start);
        line = chunk.subarray(start, end);
      }
      const trimmed = trimCarriageReturn(line);
      if (trimmed.length > 0) lines.push(trimmed);
      start = end + 1;
      end = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      this.checkLength(this.pendingBytes + rest.length);
      this.pending.push(rest);
      this.pendingBytes += rest.length;
    }
    return lines;
  }

  /** The last line when the input did not end with a newline, else null. */
  end(): Buffer | null {
    if (this.pending.length === 0) return null;
    const line = trimCarriageReturn(Buffer.concat(this.pending, this.pendingBytes));
    this.pending = [];
    this.pendingBytes = 0;
    return line.length > 0 ? line : null;
  }

  private checkLength(bytes: number): void {
    if (bytes > this.maxLineBytes) {
      throw new SinewError('VALIDATION_FAILED', `a line of the message stream is longer than the limit of ${this.maxLineBytes} bytes`, {
        maxLineBytes: this.maxLineBytes,
      });
    }
  }
}

function trimCarriageReturn(line: Buffer): Buffer {
  return line.length > 0 && line[line.length - 1] === CARRIAGE_RETURN ? line.subarray(0, line.length - 1) : line;
}

function toBuffer(chunk: Buffer | string | Uint8Array): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  return typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/**
 * The lines of a stream in batches (all the lines one chunk completes). Cheaper than
 * `readLines` on hot paths: one await per chunk instead of one per line.
 */
export async function* readLineBatches(input: AsyncIterable<Buffer> | Readable, options: ReadLinesOptions = {}): AsyncGenerator<Buffer[]> {
  const splitter = new LineSplitter(options);
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const lines = splitter.push(toBuffer(chunk));
    if (lines.length > 0) yield lines;
  }
  const last = splitter.end();
  if (last) yield [last];
}

/** Each non-empty line of a byte stream, as a Buffer without its line ending. */
export async function* readLines(input: AsyncIterable<Buffer> | Readable, options: ReadLinesOptions = {}): AsyncGenerator<Buffer> {
  for await (const lines of readLineBatches(input, options)) {
    for (const line of lines) yield line;
  }
}

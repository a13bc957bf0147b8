import type { Writable } from 'node:stream';
import { stringifyJson } from './lossless-json.js';
import type { OtherMessage, SingerMessage } from './message.js';

const NEWLINE = Buffer.from('\n');
/** Lines are handed to the stream in batches of about this size. */
const BATCH_BYTES = 64 * 1024;

/**
 * Writes a Singer message stream, one JSON message per line, honouring back-pressure: a write
 * returns a promise only when the stream asked the producer to wait for 'drain', so a producer
 * that awaits every write runs at memory-bounded speed without paying a promise per line.
 *
 * Lines are batched (~64 KiB): stdout on a pipe writes synchronously, one system call per write,
 * which for a tap of small records costs more than producing them. A batch not yet full goes out
 * once the producer yields to the event loop (setImmediate), so a slow tap's last lines and a
 * target's result states are not held back.
 */
export class SingerWriter {
  private failure: Error | null = null;
  private drained: Promise<void> | null = null;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private scheduled = false;

  constructor(private readonly out: Writable) {
    // Remember the first error (e.g. EPIPE when the reader died) and surface it on the next
    // write instead of letting an unhandled 'error' event crash the process.
    out.on('error', (error: Error) => {
      this.failure ??= error;
    });
  }

  write(message: SingerMessage | OtherMessage): Promise<void> | void {
    return this.enqueue(Buffer.from(`${stringifyJson(message)}\n`));
  }

  /** Writes an already serialized message (one line, without its newline) untouched. */
  writeRaw(line: Buffer): Promise<void> | void {
    // The line and its newline go into the batch as they are: the batch is one copy of them all.
    return this.enqueue(line, NEWLINE);
  }

  private enqueue(...chunks: Buffer[]): Promise<void> | void {
    if (this.failure) throw this.failure;
    if (this.drained) return this.drained.then(() => this.enqueue(...chunks));
    for (const chunk of chunks) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
    }
    if (this.pendingBytes >= BATCH_BYTES) return this.writePending();
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        // Under back-pressure the batch waits for the next write or flush.
        if (this.drained || this.pending.length === 0 || this.failure) return;
        this.writePending()?.catch(() => {}); // the failure is kept and thrown by the next call
      });
    }
  }

  private writePending(): Promise<void> | void {
    const batch = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    return this.afterWrite(this.out.write(batch));
  }

  private afterWrite(accepted: boolean): Promise<void> | void {
    if (accepted) return;
    this.drained = new Promise<void>((resolve, reject) => {
      const done = (error?: Error): void => {
        this.out.off('drain', onDrain);
        this.out.off('error', done);
        this.out.off('close', onClose);
        this.drained = null;
        if (error) reject(error);
        else resolve();
      };
      const onDrain = (): void => done();
      const onClose = (): void => done(this.failure ?? new Error('the output stream closed before it drained'));
      this.out.on('drain', onDrain);
      this.out.on('error', done);
      this.out.on('close', onClose);
    });
    return this.drained;
  }

  /** Resolves once everything written so far has been handed to the underlying resource. */
  async flush(): Promise<void> {
    if (this.drained) await this.drained;
    if (this.failure) throw this.failure;
    if (this.pending.length > 0) await this.writePending();
    await new Promise<void>((resolve, reject) => {
      this.out.write('', (error) => (error ? reject(error) : resolve()));
    });
  }

  /** Ends the output stream and resolves when it has finished (or rejects with its error). */
  async end(): Promise<void> {
    if (this.drained) await this.drained;
    if (this.failure) throw this.failure;
    if (this.pending.length > 0) await this.writePending();
    await new Promise<void>((resolve, reject) => {
      if (this.out.writableFinished) return resolve();
      const onError = (error: Error): void => reject(error);
      this.out.once('error', onError);
      this.out.end(() => {
        this.out.off('error', onError);
        if (this.failure) reject(this.failure);
        else resolve();
      });
    });
  }
}

import { once } from 'node:events';
import type { Writable } from 'node:stream';

const NEWLINE = Buffer.from('\n');
const FLUSH_AT = 256 * 1024;

/**
 * Writes newline-terminated lines to a stream in ~256 KiB batches. Singer streams are millions of
 * small lines; one write() per line would dominate the cost of a pass-through. Honours back-pressure:
 * `write` returns a promise only when the stream asked us to wait.
 */
export class LineBatchWriter {
  private chunks: Buffer[] = [];
  private pending = 0;
  private error: Error | null = null;
  bytesWritten = 0;

  constructor(private readonly out: Writable) {
    out.on('error', (e: Error) => {
      this.error ??= e;
    });
  }

  get failed(): Error | null {
    return this.error;
  }

  write(line: Buffer): Promise<void> | undefined {
    if (this.error) throw this.error;
    this.chunks.push(line, NEWLINE);
    this.pending += line.length + 1;
    if (this.pending >= FLUSH_AT) return this.flush();
    return undefined;
  }

  flush(): Promise<void> | undefined {
    if (this.pending === 0) return undefined;
    const batch = Buffer.concat(this.chunks, this.pending);
    this.bytesWritten += this.pending;
    this.chunks = [];
    this.pending = 0;
    if (this.out.write(batch)) return undefined;
    return this.waitDrain();
  }

  private async waitDrain(): Promise<void> {
    // 'drain' never comes once the stream has failed or closed, so wait for whichever comes first.
    const ac = new AbortController();
    try {
      await Promise.race([
        once(this.out, 'drain', { signal: ac.signal }),
        once(this.out, 'close', { signal: ac.signal }),
        once(this.out, 'error', { signal: ac.signal }).then(() => undefined),
      ]);
    } catch {
      /* aborted or errored: the error is recorded */
    } finally {
      ac.abort();
    }
    if (this.error) throw this.error;
  }

  async end(): Promise<void> {
    await this.flush();
    if (this.error) throw this.error;
    await new Promise<void>((resolve, reject) => {
      this.out.end((err?: Error | null) => (err ? reject(err) : resolve()));
    });
  }
}

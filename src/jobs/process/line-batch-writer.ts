import type { Writable } from 'node:stream';

const NEWLINE = Buffer.from('\n');
const FLUSH_AT = 256 * 1024;
/**
 * How long lines may wait for more before `flushSoon` writes them. A tap that write()s once per
 * line (Python with PYTHONUNBUFFERED=1, as most Python images set it) is read one line per chunk;
 * written on at once, each line cost a write() to every destination, and a streaming job with such
 * a tap took 1.9× the bare pipe (issue #19). A few milliseconds gather ~100 lines per write and
 * delay nothing a person would see.
 */
export const FLUSH_DELAY_MS = 3;

/**
 * Writes newline-terminated lines in ~256 KiB batches to one or more streams (a streaming job feeds
 * the sync-output file and the target from the same batch, built once). Singer streams are millions
 * of small lines; one write() per line would dominate the cost of a pass-through. Honours
 * back-pressure: `write` returns a promise only when a stream asked us to wait.
 */
export class LineBatchWriter {
  private chunks: Buffer[] = [];
  private pending = 0;
  private readonly errors = new Map<Writable, Error>();
  private timer: NodeJS.Timeout | null = null;
  /** A timed flush that a destination asked to wait after: the next write waits for it. */
  private blocked: Promise<void> | null = null;
  bytesWritten = 0;

  constructor(private readonly outs: Writable[]) {
    for (const out of outs) {
      out.on('error', (e: Error) => {
        if (!this.errors.has(out)) this.errors.set(out, e);
      });
    }
  }

  /** The error of `out` (or of any stream), once one has failed. */
  failed(out?: Writable): Error | null {
    if (out) return this.errors.get(out) ?? null;
    return this.errors.values().next().value ?? null;
  }

  write(line: Buffer): Promise<void> | undefined {
    const error = this.failed();
    if (error) throw error;
    this.chunks.push(line, NEWLINE);
    this.pending += line.length + 1;
    if (this.pending >= FLUSH_AT) return this.flush();
    return this.blocked ?? undefined;
  }

  /**
   * Writes what is pending within FLUSH_DELAY_MS, with whatever else comes meanwhile: what a tap
   * said reaches its destinations promptly without one write per line when it speaks a line at a
   * time. Returns a promise when an earlier timed flush is still waiting for a destination.
   */
  flushSoon(): Promise<void> | undefined {
    if (this.pending > 0 && this.timer === null) {
      this.timer = setTimeout(() => {
        this.timer = null;
        const wait = this.flush();
        if (!wait) return;
        const blocked = wait.finally(() => {
          if (this.blocked === blocked) this.blocked = null;
        });
        // A destination that fails instead of draining is kept as failed (closedWithDataPending):
        // the next write throws, even when no one waits on this flush.
        blocked.catch(() => {});
        this.blocked = blocked;
      }, FLUSH_DELAY_MS);
    }
    return this.blocked ?? undefined;
  }

  flush(): Promise<void> | undefined {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pending === 0) return undefined;
    const batch = Buffer.concat(this.chunks, this.pending);
    this.bytesWritten += this.pending;
    this.chunks = [];
    this.pending = 0;
    const waits: Promise<void>[] = [];
    for (const out of this.outs) if (!out.write(batch)) waits.push(this.waitDrain(out));
    return waits.length === 0 ? undefined : Promise.all(waits).then(() => undefined);
  }

  /** Resolves on 'drain'; rejects when the stream fails or closes first ('drain' never comes then). */
  private waitDrain(out: Writable): Promise<void> {
    // Already gone (a target that exited closes its stdin): 'drain', 'error' and 'close' have all
    // come and gone or never will — a write to a destroyed stream emits nothing — so waiting would
    // hang the job forever.
    if (out.destroyed || out.closed) return Promise.reject(this.closedWithDataPending(out));
    return new Promise<void>((resolve, reject) => {
      const done = (): void => {
        out.off('drain', onDrain);
        out.off('error', onEnd);
        out.off('close', onEnd);
      };
      const onDrain = (): void => {
        done();
        resolve();
      };
      const onEnd = (): void => {
        done();
        reject(this.closedWithDataPending(out));
      };
      out.on('drain', onDrain);
      out.on('error', onEnd);
      out.on('close', onEnd);
    });
  }

  /**
   * A destination that went away with data still for it has failed, even if it said nothing: kept
   * as its error, so that every later write throws and `failed(out)` names it — a timed flush's
   * failure would otherwise be seen by no one (the writer may not be waiting on it).
   */
  private closedWithDataPending(out: Writable): Error {
    if (!this.errors.has(out)) this.errors.set(out, new Error('the stream closed while data was pending'));
    return this.errors.get(out)!;
  }

  async end(): Promise<void> {
    await this.blocked;
    await this.flush();
    const error = this.failed();
    if (error) throw error;
    await Promise.all(
      this.outs.map((out) =>
        // A destroyed stream never calls end's callback: waiting for it would hang the job. What
        // was written to it may not have reached its reader, so it is a failure, not a success.
        out.destroyed
          ? Promise.reject(this.closedWithDataPending(out))
          : new Promise<void>((resolve, reject) => {
              out.end((err?: Error | null) => (err ? reject(err) : resolve()));
            }),
      ),
    );
  }
}

import { once } from 'node:events';
import { type FileHandle, open } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

/**
 * A writable stream over a file handle opened for appending. Its `final` step fsyncs before the
 * handle closes, so once the stream has finished a target may report STATE knowing the records
 * are on disk. (Node 20's fs write streams have no such hook: `flush` came in Node 21.)
 */
function appendingStream(handle: FileHandle): Writable {
  return new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, callback) {
      // Two calls because FileHandle.write's string and buffer overloads do not unify.
      const written = typeof chunk === 'string' ? handle.write(chunk) : handle.write(chunk);
      written.then(() => callback(), callback);
    },
    // Chunks queued while a write is in flight go out in one system call.
    writev(chunks, callback) {
      const buffers = chunks.map(({ chunk }) => (typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)));
      handle.writev(buffers).then(() => callback(), callback);
    },
    final(callback) {
      handle.sync().then(() => callback(), callback);
    },
    destroy(error, callback) {
      handle.close().then(
        () => callback(error),
        () => callback(error),
      );
    },
  });
}

/** A file opened for appending, closed only after its bytes are flushed and fsynced. */
export class AppendingFile {
  private constructor(
    readonly stream: Writable,
    /** True when the file did not exist or was empty when opened. */
    readonly isNew: boolean,
  ) {}

  /** `emptyFirst`: what the file held is dropped (truncated once opened, then appended to as usual). */
  static async open(path: string, opts: { emptyFirst?: boolean } = {}): Promise<AppendingFile> {
    const handle = await open(path, 'a+');
    let size: number;
    let endsWithNewline = true;
    try {
      // Truncated on the append-mode handle rather than opened with 'w': every write still goes to
      // the end, even when another handle appends to the same file.
      if (opts.emptyFirst) await handle.truncate(0);
      size = (await handle.stat()).size;
      if (size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        endsWithNewline = last[0] === 0x0a;
      }
    } catch (error) {
      await handle.close();
      throw error;
    }
    const file = new AppendingFile(appendingStream(handle), size === 0);
    // A hand-made file may lack its final newline; appending would glue two lines together.
    if (!endsWithNewline) await file.write('\n');
    return file;
  }

  /** Resolves once the stream can take more, so a fast producer never outruns the disk. */
  async write(chunk: string): Promise<void> {
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  /** Ends the stream (unless a pipe already did), waits for write, fsync and close. */
  async close(): Promise<void> {
    if (!this.stream.writableEnded) this.stream.end();
    await finished(this.stream);
  }

  /** Releases the file after a failure, without waiting for pending writes. */
  async abandon(): Promise<void> {
    this.stream.destroy();
    await finished(this.stream).catch(() => undefined);
  }
}

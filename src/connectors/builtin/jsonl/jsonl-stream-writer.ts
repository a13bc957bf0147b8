import { stringifyJson } from '../../../singer/lossless-json.js';
import { AppendingFile } from '../appending-file.js';
import type { StreamWriter } from '../file-target.js';

/** Lines are handed to the file about this many characters at a time. */
const CHUNK_CHARS = 64 * 1024;

/**
 * One stream's JSON Lines file: every record appended whole, numbers printed exactly. Lines are
 * gathered into chunks: a write to the file stream per record costs more than printing it.
 */
export class JsonlStreamWriter implements StreamWriter {
  private pending = '';

  private constructor(private readonly file: AppendingFile) {}

  static async open(path: string, emptyFirst = false): Promise<JsonlStreamWriter> {
    return new JsonlStreamWriter(await AppendingFile.open(path, { emptyFirst }));
  }

  schema(): void {
    // JSON Lines has no header: a schema change needs nothing from the file.
  }

  write(record: Record<string, unknown>): Promise<void> | void {
    this.pending += `${stringifyJson(record)}\n`;
    if (this.pending.length >= CHUNK_CHARS) return this.writePending();
  }

  private writePending(): Promise<void> {
    const chunk = this.pending;
    this.pending = '';
    return this.file.write(chunk);
  }

  async close(): Promise<void> {
    if (this.pending !== '') await this.writePending();
    return this.file.close();
  }

  abandon(): Promise<void> {
    return this.file.abandon();
  }
}

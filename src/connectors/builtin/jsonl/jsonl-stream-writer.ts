import { stringifyJson } from '../../../singer/lossless-json.js';
import { AppendingFile } from '../appending-file.js';
import type { StreamWriter } from '../file-target.js';

/** One stream's JSON Lines file: every record appended whole, numbers printed exactly. */
export class JsonlStreamWriter implements StreamWriter {
  private constructor(private readonly file: AppendingFile) {}

  static async open(path: string, emptyFirst = false): Promise<JsonlStreamWriter> {
    return new JsonlStreamWriter(await AppendingFile.open(path, { emptyFirst }));
  }

  schema(): void {
    // JSON Lines has no header: a schema change needs nothing from the file.
  }

  async write(record: Record<string, unknown>): Promise<void> {
    await this.file.write(`${stringifyJson(record)}\n`);
  }

  close(): Promise<void> {
    return this.file.close();
  }

  abandon(): Promise<void> {
    return this.file.abandon();
  }
}

import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { type Stringifier, stringify } from 'csv-stringify';
import type { SchemaMessage } from '../../../singer/message.js';
import { AppendingFile } from '../appending-file.js';
import type { StreamWriter } from '../file-target.js';
import { formatCell } from './csv-cell-formatting.js';

function schemaFields(message: SchemaMessage): string[] {
  return Object.keys((message.schema.properties ?? {}) as Record<string, unknown>);
}

/**
 * One stream's CSV file. The columns are those of an existing file's header, else of the latest
 * SCHEMA when the first record comes (so a SCHEMA update before any row still shapes a new file).
 * Once the header is fixed, values of other fields are dropped and reported once at close.
 */
export class CsvStreamWriter implements StreamWriter {
  private header: string[] | null;
  private headerNames: Set<string>;
  private schemaColumns: string[];
  private dropped = 0;
  private readonly droppedFields = new Set<string>();

  private constructor(
    private readonly stream: string,
    private readonly file: AppendingFile,
    private readonly out: Stringifier,
    existingHeader: string[] | null,
    schema: SchemaMessage,
    private readonly log: (message: string) => void,
  ) {
    this.header = existingHeader;
    this.headerNames = new Set(existingHeader ?? []);
    this.schemaColumns = schemaFields(schema);
  }

  static async open(
    path: string,
    delimiter: string,
    existingHeader: string[] | null,
    schema: SchemaMessage,
    log: (message: string) => void,
  ): Promise<CsvStreamWriter> {
    const file = await AppendingFile.open(path);
    const out = stringify({ delimiter });
    out.pipe(file.stream);
    // A file without a header (empty, or not CSV we can read) gets one written now.
    return new CsvStreamWriter(schema.stream, file, out, file.isNew ? null : existingHeader, schema, log);
  }

  schema(message: SchemaMessage): void {
    this.schemaColumns = schemaFields(message);
  }

  private async writeRow(row: string[]): Promise<void> {
    if (!this.out.write(row)) await once(this.out, 'drain');
  }

  private async fixHeader(record: Record<string, unknown> | null): Promise<string[]> {
    if (this.header) return this.header;
    // A schema without properties (`{"type": "object"}`) leaves the first record to name the columns.
    const header = this.schemaColumns.length > 0 || record === null ? this.schemaColumns : Object.keys(record);
    this.header = header;
    this.headerNames = new Set(header);
    await this.writeRow(header);
    return header;
  }

  async write(record: Record<string, unknown>): Promise<void> {
    const header = await this.fixHeader(record);
    for (const name of Object.keys(record)) {
      if (!this.headerNames.has(name) && record[name] !== undefined) {
        this.dropped += 1;
        this.droppedFields.add(name);
      }
    }
    await this.writeRow(header.map((name) => formatCell(record[name])));
  }

  async close(): Promise<void> {
    if (this.header === null && this.schemaColumns.length > 0) await this.fixHeader(null);
    this.out.end();
    await finished(this.out);
    await this.file.close();
    if (this.dropped > 0) {
      this.log(
        `csv: stream "${this.stream}": ${this.dropped} value(s) of fields not in the file's header were dropped ` +
          `(${[...this.droppedFields].join(', ')})`,
      );
    }
  }

  async abandon(): Promise<void> {
    this.out.destroy();
    await this.file.abandon();
  }
}

import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { JsonSchema } from '../model/json-schema.js';
import type { AnyMessage } from '../singer/line-classifier.js';
import { SingerWriter } from '../singer/message-writer.js';

/**
 * Writes `etl-output/data.singer`: SCHEMA, RECORD and STATE lines, numbers exact (LosslessNumber
 * and bigint are written as their digits). Every write honours back-pressure: `await` it (it
 * returns a promise only when the file asked to wait, so awaiting costs nothing otherwise).
 */
export class EtlOutputWriter {
  private constructor(private readonly writer: SingerWriter) {}

  static async open(file: string): Promise<EtlOutputWriter> {
    await fs.mkdir(path.dirname(file), { recursive: true });
    return new EtlOutputWriter(new SingerWriter(createWriteStream(file, { highWaterMark: 256 * 1024 })));
  }

  writeSchema(
    stream: string,
    schema: JsonSchema | Record<string, unknown>,
    keyProperties: string[] = [],
    bookmarkProperties?: string[],
  ): Promise<void> | void {
    return this.writer.write({
      type: 'SCHEMA',
      stream,
      schema: schema as JsonSchema,
      key_properties: keyProperties,
      ...(bookmarkProperties ? { bookmark_properties: bookmarkProperties } : {}),
    });
  }

  writeRecord(stream: string, record: Record<string, unknown>): Promise<void> | void {
    return this.writer.write({ type: 'RECORD', stream, record });
  }

  async writeRecords(stream: string, records: AsyncIterable<Record<string, unknown>> | Iterable<Record<string, unknown>>): Promise<number> {
    let n = 0;
    for await (const record of records) {
      const wait = this.writer.write({ type: 'RECORD', stream, record });
      if (wait) await wait;
      n++;
    }
    return n;
  }

  writeState(value: Record<string, unknown>): Promise<void> | void {
    return this.writer.write({ type: 'STATE', value });
  }

  /** Any message as it is (e.g. one read from the sync output). */
  writeMessage(message: AnyMessage): Promise<void> | void {
    return this.writer.write(message);
  }

  /** An already serialised Singer line (without its newline), byte for byte. */
  writeLine(line: Buffer): Promise<void> | void {
    return this.writer.writeRaw(line);
  }

  end(): Promise<void> {
    return this.writer.end();
  }
}

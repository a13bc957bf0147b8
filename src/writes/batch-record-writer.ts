import { SchemaInferrer } from '../connectors/builtin/schema-inference.js';
import { errorText, isWriteImpossible, withPartialResults } from '../connectors/builtin/write/write-failure.js';
import type { BatchWriter } from '../connectors/sdk/batch-writer.js';
import type { WriteRecord } from '../connectors/sdk/write-record.js';
import { failed, type WriteResult } from '../connectors/sdk/write-result.js';
import { stringifyJson } from '../singer/lossless-json.js';
import type { RecordWriter } from './record-writer.js';

/**
 * A built-in write target's batch writer, run in this process for real-time writes (no process to
 * start: a write costs the remote call and little more). Kept warm across requests by
 * RealtimeWriters, so its connections (HTTP keep-alive, a pg pool) are reused. A target that needs
 * a SCHEMA (postgres) gets one inferred from every record seen so far for the stream, sent again
 * only when it grows.
 */
export class BatchRecordWriter implements RecordWriter {
  private readonly schemas = new Map<string, { inferrer: SchemaInferrer; sent: string }>();
  /** Schema changes one at a time: concurrent DDL on one table would trip over itself. */
  private schemaTurn: Promise<unknown> = Promise.resolve();

  constructor(private readonly writer: BatchWriter) {}

  async write(stream: string, records: WriteRecord[]): Promise<WriteResult[]> {
    if (this.writer.schema) await this.ensureSchema(stream, records);
    const size = Math.max(1, this.writer.batchSize(stream));
    const results: WriteResult[] = [];
    for (let i = 0; i < records.length; i += size) {
      const batch = records.slice(i, i + size);
      try {
        results.push(...(await this.writer.writeBatch(stream, batch)));
      } catch (error) {
        if (isWriteImpossible(error)) throw withPartialResults(error, results);
        // As in a job's write loop: a batch that fails fails its records, not the write.
        results.push(...batch.map((r) => failed(r, errorText(error))));
      }
    }
    return results;
  }

  private async ensureSchema(stream: string, records: WriteRecord[]): Promise<void> {
    let known = this.schemas.get(stream);
    if (!known) this.schemas.set(stream, (known = { inferrer: new SchemaInferrer(), sent: '' }));
    for (const r of records) known.inferrer.observe(r.record);
    const schema = known.inferrer.schema();
    const text = stringifyJson(schema);
    if (text === known.sent) return;
    const entry = known;
    const turn = this.schemaTurn.then(async () => {
      if (entry.sent === text) return;
      await this.writer.schema!({ type: 'SCHEMA', stream, schema, key_properties: [] });
      entry.sent = text;
    });
    this.schemaTurn = turn.catch(() => undefined);
    await turn;
  }

  async close(): Promise<void> {
    await this.writer.close?.();
  }
}

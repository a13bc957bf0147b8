import type { WriteRecord } from '../connectors/sdk/write-record.js';
import type { WriteResult } from '../connectors/sdk/write-result.js';

/**
 * What a real-time write hands records to: a target connector, in this process (built-in write
 * targets) or as a Singer child process (registered targets). One result per record, in order;
 * an error that makes every write impossible is thrown (carrying the results of what was written,
 * see write-failure.ts).
 */
export interface RecordWriter {
  write(stream: string, records: WriteRecord[]): Promise<WriteResult[]>;
  close(): Promise<void>;
}

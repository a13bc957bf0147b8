import type { AddressPolicy } from '../../outbound/address-policy.js';
import type { SchemaMessage, SingerMessage } from '../../singer/message.js';
import type { AccessTokenSource } from './access-token.js';
import type { WriteRecord } from './write-record.js';
import type { WriteResult } from './write-result.js';

/**
 * A RECORD already read as a write (its `__sinew_*` fields taken off, hashed): what a job's
 * record-id resolution hands an in-process target, having parsed and hashed the record itself.
 */
export interface PreparedRecord {
  type: 'PREPARED_RECORD';
  write: WriteRecord;
}

/** What the message loop takes: Singer messages, and records a job already prepared. */
export type WriteLoopMessage = SingerMessage | PreparedRecord;

/** What a write target plugs into the shared message loop. */
export interface BatchWriter {
  connectorId: string;
  /** Records per batch for a stream (the remote API's limit or the config's choice). */
  batchSize(stream: string): number;
  /** Batches written at the same time (a small pool; 1 keeps batches strictly in order). */
  concurrency: number;
  /** A SCHEMA message; called once every earlier batch of the stream is written. */
  schema?(message: SchemaMessage): Promise<void>;
  /**
   * Writes one batch and returns one result per record, in order. Throwing fails every record of
   * the batch with the error's message, unless the error makes every write impossible
   * (`writeImpossible`), which stops the target.
   */
  writeBatch(stream: string, records: WriteRecord[]): Promise<WriteResult[]>;
  /** Lets go of connections when the stream ends (or fails). */
  close?(): Promise<void>;
}

/**
 * Builds a write target's batch writer from its config. The Singer target (a job's export) and
 * real-time writes (in the API process, src/writes) run the same writer. `addresses` is the
 * environment's outbound address policy: every connection the writer makes passes it. `tokens`:
 * where a bearer-token writer gets its token per call (a link's OAuth tokens, refreshed as the run
 * goes); absent, the config's token is used as it is.
 */
export type BatchWriterFactory = (
  config: Record<string, unknown>,
  log: (message: string) => void,
  addresses: AddressPolicy,
  tokens?: AccessTokenSource,
) => BatchWriter;

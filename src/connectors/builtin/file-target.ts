import { SinewError } from '../../errors/sinew-error.js';
import type { SchemaMessage, SingerMessage } from '../../singer/message.js';
import type { TargetContext } from '../sdk/connector.js';

/** Writes one stream's records into its file. */
export interface StreamWriter {
  /** A later SCHEMA message for a stream that is already open. */
  schema(message: SchemaMessage): void;
  /** A promise only when the writer needs the caller to wait (its file is behind). */
  write(record: Record<string, unknown>): Promise<void> | void;
  /** Flushes everything to disk. */
  close(): Promise<void>;
  /** Lets go of the file after an error. */
  abandon(): Promise<void>;
}

export type OpenStreamWriter = (message: SchemaMessage) => Promise<StreamWriter>;

async function abandonAll(writers: Iterable<StreamWriter>): Promise<void> {
  for (const writer of writers) await writer.abandon().catch(() => undefined);
}

/**
 * The message loop of the one-file-per-stream targets: a writer per stream opened on its first
 * SCHEMA, records written with back-pressure, and the last STATE emitted only once every file is
 * flushed and closed (a STATE means "everything before me is durable").
 */
export async function writeStreams(
  connectorId: string,
  ctx: TargetContext,
  messages: AsyncIterable<SingerMessage>,
  openWriter: OpenStreamWriter,
): Promise<void> {
  const writers = new Map<string, StreamWriter>();
  let lastState: Record<string, unknown> | undefined;
  try {
    for await (const message of messages) {
      switch (message.type) {
        case 'SCHEMA': {
          const writer = writers.get(message.stream);
          if (writer) writer.schema(message);
          else writers.set(message.stream, await openWriter(message));
          break;
        }
        case 'RECORD': {
          const writer = writers.get(message.stream);
          if (!writer) {
            throw new SinewError(
              'CONNECTOR_FAILED',
              `${connectorId}: a RECORD for stream "${message.stream}" arrived before any SCHEMA for it`,
              { stream: message.stream },
            );
          }
          const written = writer.write(message.record);
          if (written) await written;
          break;
        }
        case 'STATE':
          lastState = message.value;
          break;
        case 'BATCH':
          throw new SinewError('CONNECTOR_FAILED', `${connectorId}: BATCH messages are not supported`, {
            stream: message.stream,
          });
        default:
          // ACTIVATE_VERSION and unknown types carry nothing a file target can act on.
          break;
      }
    }
  } catch (error) {
    await abandonAll(writers.values());
    throw error;
  }
  const open = [...writers.values()];
  try {
    for (let writer = open.shift(); writer !== undefined; writer = open.shift()) await writer.close();
  } catch (error) {
    // The writer that failed to close is out of `open` already: the others are abandoned.
    await abandonAll(open);
    throw error;
  }
  if (lastState !== undefined) await ctx.emitState(lastState);
}

import { SinewError } from '../../../errors/sinew-error.js';
import { STRICT_POLICY } from '../../../outbound/address-policy.js';
import type { BatchWriter, BatchWriterFactory, WriteLoopMessage } from '../../sdk/batch-writer.js';
import type { TargetConnector, TargetContext } from '../../sdk/connector.js';
import { toWriteRecord, type WriteRecord } from '../../sdk/write-record.js';
import { failed, resultsState, type WriteResult } from '../../sdk/write-result.js';
import { errorText, isWriteImpossible, partialResultsOf } from './write-failure.js';

/**
 * The Singer target of a batch writer: the shared message loop around what the factory builds.
 * A context that names no address policy gets the strict one.
 */
export function batchWriterTarget(factory: BatchWriterFactory): TargetConnector {
  return { write: (ctx, messages) => runWriteLoop(ctx, messages, factory(ctx.config, ctx.log, ctx.addressPolicy ?? STRICT_POLICY)) };
}

/**
 * The message loop of the write targets: RECORDs are grouped per stream into batches, written by
 * a small pool, and each batch's per-record results are emitted as one STATE once that batch is
 * done. Upstream STATE messages are not passed on: a write target's state *is* its results.
 */
export async function runWriteLoop(ctx: TargetContext, messages: AsyncIterable<WriteLoopMessage>, writer: BatchWriter): Promise<void> {
  const pending = new Map<string, WriteRecord[]>();
  const schemas = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  let fatal: unknown = null;
  // emitState may apply back-pressure; chaining keeps the lines whole and in completion order.
  let emitting: Promise<void> = Promise.resolve();

  async function writeOne(stream: string, batch: WriteRecord[]): Promise<void> {
    let results: WriteResult[];
    try {
      results = await writer.writeBatch(stream, batch);
      if (results.length !== batch.length) throw new Error(`internal: ${results.length} results for ${batch.length} records`);
    } catch (error) {
      if (isWriteImpossible(error)) {
        fatal ??= error;
        // Records written before the write became impossible exist remotely: report them.
        const done = partialResultsOf(error);
        if (done.length > 0) {
          emitting = emitting.then(() => ctx.emitState(resultsState(stream, done)));
          await emitting;
        }
        return;
      }
      ctx.log(`${writer.connectorId}: a batch of ${batch.length} ${stream} records failed: ${errorText(error)}`);
      results = batch.map((record) => failed(record, errorText(error)));
    }
    emitting = emitting.then(() => ctx.emitState(resultsState(stream, results)));
    await emitting;
  }

  async function dispatch(stream: string): Promise<void> {
    const batch = pending.get(stream);
    if (!batch || batch.length === 0) return;
    pending.delete(stream);
    while (inFlight.size >= writer.concurrency) await Promise.race(inFlight);
    if (fatal) throw fatal;
    const running: Promise<void> = writeOne(stream, batch).finally(() => inFlight.delete(running));
    inFlight.add(running);
  }

  async function drain(): Promise<void> {
    while (inFlight.size > 0) await Promise.race(inFlight);
    await emitting;
    if (fatal) throw fatal;
  }

  try {
    for await (const message of messages) {
      if (fatal) throw fatal;
      if (message.type === 'SCHEMA') {
        await dispatch(message.stream);
        await drain();
        await writer.schema?.(message);
        schemas.add(message.stream);
      } else if (message.type === 'RECORD' || message.type === 'PREPARED_RECORD') {
        const stream = message.type === 'RECORD' ? message.stream : message.write.stream;
        if (!schemas.has(stream)) {
          throw new SinewError(
            'CONNECTOR_FAILED',
            `${writer.connectorId}: a RECORD for stream "${stream}" arrived before any SCHEMA for it`,
            { stream },
          );
        }
        let batch = pending.get(stream);
        if (!batch) pending.set(stream, (batch = []));
        batch.push(message.type === 'RECORD' ? toWriteRecord(stream, message.record) : message.write);
        if (batch.length >= writer.batchSize(stream)) await dispatch(stream);
      } else if (message.type === 'BATCH') {
        throw new SinewError('CONNECTOR_FAILED', `${writer.connectorId}: BATCH messages are not supported`, { stream: message.stream });
      }
    }
    for (const stream of [...pending.keys()]) await dispatch(stream);
    await drain();
  } catch (error) {
    await Promise.allSettled(inFlight);
    throw error;
  } finally {
    await writer.close?.();
  }
}

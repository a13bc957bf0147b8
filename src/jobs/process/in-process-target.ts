import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { runWriteLoop } from '../../connectors/builtin/write/write-loop.js';
import type { WriteLoopMessage } from '../../connectors/sdk/batch-writer.js';
import type { SecretScrubber } from '../../crypto/secret-scrubber.js';
import { readLines } from '../../singer/line-reader.js';
import { TargetLineReader, targetMessages } from '../../singer/target-messages.js';
import { JOB_FILES } from '../../storage/job-root.js';
import type { WriteResultCollector } from '../../writes/write-result-collector.js';
import type { RoundItem } from '../record-ids/record-id-resolution.js';
import type { InProcessWriter } from './in-process-writer.js';
import { feedingFailed, PhaseFailure } from './phase-failure.js';
import type { RunningTarget } from './target-handle.js';

/**
 * A built-in write target (http, hubspot, postgres, salesforce) run by the job process itself, over
 * the same message loop its Singer form runs: the records are parsed once here rather than
 * serialized into a child's stdin and parsed again there, and each batch's results reach the
 * collector as values rather than as STATE lines printed and read back. Its log goes to
 * `logs/target.log` as a child's stderr would. The job process is already the job's sandbox (its
 * own process, killed on cancel or time limit), so the target gives up no isolation the job had.
 */
export function startInProcessTarget(
  writer: InProcessWriter,
  jobRoot: string,
  results: WriteResultCollector | undefined,
  prepared: boolean,
  scrubber?: SecretScrubber,
): RunningTarget {
  const name = `target-${writer.connectorId}`;
  // Prepared: arrays of RoundItem (a few in the queue, each one chunk's worth); else bytes.
  const input = prepared ? new PassThrough({ objectMode: true, highWaterMark: 8 }) : new PassThrough({ highWaterMark: 1024 * 1024 });
  const logFile = createWriteStream(path.join(jobRoot, JOB_FILES.targetLog), { flags: 'a' });
  logFile.on('error', () => {}); // a log that cannot be written does not fail the export
  const log = (message: string): void => {
    // Whole messages: a writer's error may quote its config (a URL with credentials).
    logFile.write(`${scrubber ? scrubber.scrub(message) : message}\n`);
  };
  let last: Record<string, unknown> | null = null;
  let failure: Error | null = null;
  const ended = (async () => {
    try {
      const loop = runWriteLoop(
        {
          config: writer.config,
          emitState: async (value) => {
            last = value;
            await results?.accept(value);
          },
          log,
          addressPolicy: writer.addressPolicy,
        },
        prepared
          ? preparedMessages(chunksUntilClosed<RoundItem[]>(input), new TargetLineReader(name, log))
          : targetMessages(readLines(chunksUntilClosed<Buffer>(input)), name, log),
        writer.factory(writer.config, log, writer.addressPolicy, writer.tokens),
      );
      await loop;
      return true;
    } catch (e) {
      failure = e as Error;
      log(`${name}: ${failure.message}`);
      // Whoever feeds it must stop too, as a dead child's stdin would make them.
      input.destroy(new Error(`${name} stopped: ${failure.message}`));
      return false;
    } finally {
      await new Promise<void>((resolve) => logFile.end(() => resolve()));
    }
  })();
  return {
    takes: prepared ? 'prepared' : 'lines',
    input,
    output: ended.then(() => last),
    ended,
    async assertSucceeded(writeError) {
      await ended;
      if (failure) throw new PhaseFailure('export', `${name} failed: ${failure.message}`);
      if (writeError) throw feedingFailed(writeError);
    },
    stop: () => input.destroy(),
  };
}

/**
 * The chunks of the target's input, where an input destroyed by whoever feeds it (the job stops
 * the target, or a failing pipeline tears it down, with or without an error) simply ends: a child
 * process would read end-of-file on its closed stdin and write what it got, and so does this
 * target. Why the feeding stopped is the feeder's to report (`assertSucceeded(writeError)`).
 */
async function* chunksUntilClosed<T>(input: PassThrough): AsyncGenerator<T> {
  try {
    for await (const chunk of input) yield chunk as T;
  } catch {
    return;
  }
}

/** The messages of a prepared round: its records as they are, its other lines read here. */
async function* preparedMessages(batches: AsyncIterable<RoundItem[]>, reader: TargetLineReader): AsyncGenerator<WriteLoopMessage> {
  for await (const batch of batches) {
    for (const item of batch) {
      if (!Buffer.isBuffer(item)) {
        reader.skipLine(); // parsed by the resolution; counted so later warnings name the right line
        yield item;
      } else {
        const message = reader.message(item);
        if (message) yield message;
      }
    }
  }
}

import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { BatchWriterFactory } from '../../connectors/builtin/write/write-loop.js';
import { runWriteLoop } from '../../connectors/builtin/write/write-loop.js';
import { readLines } from '../../singer/line-reader.js';
import { targetMessages } from '../../singer/target-messages.js';
import { JOB_FILES } from '../job-root.js';
import { PhaseFailure, feedingFailed } from './phase-failure.js';
import type { RunningTarget } from './running-target.js';
import type { WriteResultCollector } from './write-results.js';

/** A built-in write target to run inside the job process. */
export interface InProcessWriter {
  connectorId: string;
  factory: BatchWriterFactory;
  /** Its config in clear (it never leaves the job process). */
  config: Record<string, unknown>;
}

/**
 * A built-in write target (http, hubspot, postgres, salesforce) run by the job process itself, over
 * the same message loop its Singer form runs: the records are parsed once here rather than
 * serialized into a child's stdin and parsed again there, and each batch's results reach the
 * collector as values rather than as STATE lines printed and read back. Its log goes to
 * `logs/target.log` as a child's stderr would. The job process is already the job's sandbox (its
 * own process, killed on cancel or time limit), so the target gives up no isolation the job had.
 */
export function startInProcessTarget(writer: InProcessWriter, jobRoot: string, results?: WriteResultCollector): RunningTarget {
  const name = `target-${writer.connectorId}`;
  const input = new PassThrough({ highWaterMark: 1024 * 1024 });
  const logFile = createWriteStream(path.join(jobRoot, JOB_FILES.targetLog), { flags: 'a' });
  logFile.on('error', () => {}); // a log that cannot be written does not fail the export
  const log = (message: string): void => {
    logFile.write(`${message}\n`);
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
        },
        targetMessages(readLines(chunksUntilClosed(input)), name, log),
        writer.factory(writer.config, log),
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
    input,
    output: ended.then(() => last),
    ended,
    async assertSucceeded(writeError) {
      await ended;
      if (failure) throw new PhaseFailure('EXPORT_FAILED', `${name} failed: ${failure.message}`);
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
async function* chunksUntilClosed(input: PassThrough): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of input) yield chunk as Buffer;
  } catch {
    return;
  }
}

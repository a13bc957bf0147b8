import type { Writable } from 'node:stream';
import { readLines } from '../../singer/line-reader.js';
import { describeExit } from '../../singer/singer-process.js';
import { parseTargetStateLine } from '../../singer/target-state.js';
import { PhaseFailure, feedingFailed } from './phase-failure.js';
import { startConnector, type ConnectorRun } from './running-connectors.js';
import { startInProcessTarget } from './in-process-target.js';
import type { WriteResultCollector } from './write-results.js';

/**
 * A job's target while it runs: Singer lines go into `input`; every STATE it confirms goes to the
 * write results (when given) and the last one is kept. A Singer target is a child process; a
 * built-in write target runs inside the job process (in-process-target.ts). Both look alike here.
 */
export interface RunningTarget {
  /**
   * What `input` takes: newline-delimited Singer bytes (`lines`), or — an in-process target asked
   * for them — arrays of RoundItem from the record-id resolution (`prepared`, object mode).
   */
  readonly takes: 'lines' | 'prepared';
  /** The target's input. Errors (stops reading) once the target has failed. */
  readonly input: Writable;
  /** The last state the target confirmed; settles once its output has ended. */
  readonly output: Promise<Record<string, unknown> | null>;
  /** Settles when the target is done: true when it finished without failing. */
  readonly ended: Promise<boolean>;
  /** Fails the export (PhaseFailure) when the target failed, or when feeding it failed (`writeError`). */
  assertSucceeded(writeError: Error | null): Promise<void>;
  /** Stops it now (the job is failing for another reason). */
  stop(): void;
}

/**
 * The target of `run`: in-process when the run names a built-in writer, a child process otherwise.
 * `prepared`: the caller feeds it through the record-id resolution, which can hand an in-process
 * target records already parsed (see `takes`).
 */
export function startTarget(run: ConnectorRun, jobRoot: string, results?: WriteResultCollector, prepared = false): RunningTarget {
  return run.inProcess ? startInProcessTarget(run.inProcess, jobRoot, results, prepared, run.scrubber) : startProcessTarget(run, jobRoot, results);
}

function startProcessTarget(run: ConnectorRun, jobRoot: string, results?: WriteResultCollector): RunningTarget {
  const target = startConnector(run, jobRoot, 'target');
  const output = (async () => {
    let last: Record<string, unknown> | null = null;
    for await (const raw of readLines(target.stdout)) {
      const state = parseTargetStateLine(raw);
      if (state && results) await results.accept(state);
      last = state ?? last;
    }
    return last;
  })();
  const ended = target.exited.then(
    (exit) => exit.code === 0,
    () => false,
  );
  return {
    takes: 'lines',
    input: target.stdin!,
    output,
    ended,
    async assertSucceeded(writeError) {
      const exit = await target.exited;
      if (exit.code !== 0) throw new PhaseFailure('EXPORT_FAILED', describeExit('target', exit, target.stderrTail()));
      if (writeError) throw feedingFailed(writeError);
    },
    stop: () => target.stdin!.destroy(),
  };
}

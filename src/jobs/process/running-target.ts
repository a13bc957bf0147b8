import { readLines } from '../../singer/line-reader.js';
import { describeExit, type SingerProcess } from '../../singer/singer-process.js';
import { parseTargetStateLine } from '../../singer/target-state.js';
import type { WriteResultCollector } from '../../writes/write-result-collector.js';
import { startInProcessTarget } from './in-process-target.js';
import { feedingFailed, PhaseFailure } from './phase-failure.js';
import { type ConnectorRun, startConnector } from './running-connectors.js';
import type { RunningTarget } from './target-handle.js';

/**
 * The target of `run`: in-process when the run names a built-in writer, a child process otherwise.
 * `prepared`: the caller feeds it through the record-id resolution, which can hand an in-process
 * target records already parsed (see `takes`).
 */
export function startTarget(run: ConnectorRun, jobRoot: string, results?: WriteResultCollector, prepared = false): RunningTarget {
  return run.inProcess
    ? startInProcessTarget(run.inProcess, jobRoot, results, prepared, run.scrubber)
    : startProcessTarget(run, jobRoot, results);
}

/**
 * A Singer target that reads an open file as its stdin, exactly as `target < file`: the job
 * process never touches the bytes. For an export that passes the ETL output through unchanged (no
 * record-id map): piping it through the job process cost a Python target ~50 % more than reading
 * the file itself (a pipe delivers at most 64 KiB per read, and each byte is copied twice).
 * It has no `input`: there is nothing to feed.
 */
export function startFileFedTarget(
  run: ConnectorRun,
  jobRoot: string,
  inputFd: number,
  results?: WriteResultCollector,
): Omit<RunningTarget, 'input' | 'takes'> {
  const { proc, handle } = childTarget(run, jobRoot, results, inputFd);
  return { ...handle, stop: () => proc.kill('SIGTERM') };
}

function startProcessTarget(run: ConnectorRun, jobRoot: string, results?: WriteResultCollector): RunningTarget {
  const { proc, handle } = childTarget(run, jobRoot, results);
  return { takes: 'lines', input: proc.stdin!, ...handle, stop: () => proc.stdin!.destroy() };
}

/** A target child process and what every way of feeding it shares: its STATEs read, its exit judged. */
function childTarget(
  run: ConnectorRun,
  jobRoot: string,
  results: WriteResultCollector | undefined,
  inputFd?: number,
): { proc: SingerProcess; handle: Omit<RunningTarget, 'input' | 'takes' | 'stop'> } {
  const proc = startConnector(run, jobRoot, 'target', inputFd);
  const output = (async () => {
    let last: Record<string, unknown> | null = null;
    for await (const raw of readLines(proc.stdout)) {
      const state = parseTargetStateLine(raw);
      if (state && results) await results.accept(state);
      last = state ?? last;
    }
    return last;
  })();
  const ended = proc.exited.then(
    (exit) => exit.code === 0,
    () => false,
  );
  return {
    proc,
    handle: {
      output,
      ended,
      async assertSucceeded(writeError) {
        const exit = await proc.exited;
        if (exit.code !== 0) throw new PhaseFailure('export', describeExit('target', exit, proc.stderrTail()));
        if (writeError) throw feedingFailed(writeError);
      },
    },
  };
}

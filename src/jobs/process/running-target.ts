import { readLines } from '../../singer/line-reader.js';
import { describeExit } from '../../singer/singer-process.js';
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
      if (exit.code !== 0) throw new PhaseFailure('export', describeExit('target', exit, target.stderrTail()));
      if (writeError) throw feedingFailed(writeError);
    },
    stop: () => target.stdin!.destroy(),
  };
}

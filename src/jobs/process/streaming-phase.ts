import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { JOB_FILES } from '../job-root.js';
import { assertTargetSucceeded, readTargetOutput } from './export-phase.js';
import { LineBatchWriter } from './line-batch-writer.js';
import { PhaseFailure } from './phase-failure.js';
import type { StreamTally } from './record-counter.js';
import { assertTapSucceeded, pumpTapOutput } from './sync-phase.js';
import { startConnector, type ConnectorRun } from './running-connectors.js';

/**
 * A streaming job: tap and target run together, records flowing straight from one to the other
 * (no ETL step) while the sync output is still written to `sync-output/`.
 */
export async function runStreamingPhase(
  tapRun: ConnectorRun,
  targetRun: ConnectorRun,
  jobRoot: string,
  tally: StreamTally,
  onBothStarted: () => void,
): Promise<Record<string, unknown> | null> {
  const tap = startConnector(tapRun, jobRoot, 'tap');
  const target = startConnector(targetRun, jobRoot, 'target');
  onBothStarted();
  const output = readTargetOutput(target);
  const file = new LineBatchWriter(createWriteStream(path.join(jobRoot, JOB_FILES.syncData)));
  const toTarget = new LineBatchWriter(target.stdin!);
  let writeError: Error | null = null;
  try {
    await pumpTapOutput(tap, tally, [file, toTarget]);
    await toTarget.end();
  } catch (e) {
    writeError = e as Error;
    tap.kill('SIGTERM');
  }
  await file.end();
  const targetState = await output;
  const tapExit = await tap.exited;
  if (writeError && toTarget.failed) {
    await assertTargetSucceeded(target, writeError);
  }
  if (tapExit.code !== 0 && !writeError) await assertTapSucceeded(tap);
  if (writeError) throw new PhaseFailure('SYNC_FAILED', `reading the tap's output failed: ${writeError.message}`);
  await assertTargetSucceeded(target, null);
  return targetState;
}

import { createWriteStream } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { buildSelectionTransform, type LineTransform } from '../../etl/field-map-transform.js';
import { phaseNamed } from '../../model/job-phases.js';
import { JOB_FILES } from '../../storage/job-root.js';
import type { WriteResultCollector } from '../../writes/write-result-collector.js';
import type { RecordIdResolution } from '../record-ids/record-id-resolution.js';
import { runHeldBackRounds } from './export-phase.js';
import type { JobPhase } from './job-phase.js';
import { LineBatchWriter } from './line-batch-writer.js';
import type { StreamTally } from './record-counter.js';
import { type ConnectorRun, startConnector } from './running-connectors.js';
import { startTarget } from './running-target.js';
import { shapedCounts } from './stream-record-counts.js';
import { assertTapSucceeded, pumpTapOutput, readFailure } from './sync-phase.js';
import { prepareTapAndTarget } from './tap-and-target.js';

/**
 * A streaming job: tap and target run together, records flowing straight from one to the other
 * (no ETL step) while the sync output is still written to `sync-output/`. With the record-id map
 * in play the records pass through it on their way, and what it held back goes to the target in
 * further rounds afterwards, as in the export phase. With no ETL step, the field map shapes the
 * lines here (`shape`), so what the map leaves out never reaches the target.
 */
export async function runStreamingPhase(
  tapRun: ConnectorRun,
  targetRun: ConnectorRun,
  jobRoot: string,
  tally: StreamTally,
  onBothStarted: () => void,
  results?: WriteResultCollector,
  resolution?: RecordIdResolution,
  shape?: LineTransform | null,
): Promise<Record<string, unknown> | null> {
  const tap = startConnector(tapRun, jobRoot, 'tap');
  const target = startTarget(targetRun, jobRoot, results, resolution !== undefined);
  onBothStarted();
  const file = createWriteStream(path.join(jobRoot, JOB_FILES.syncData));
  let targetInput: Writable = target.input;
  let piped: Promise<void> = Promise.resolve();
  if (resolution) {
    const via = resolution.round(target.takes);
    // Its failure shows as the LineBatchWriter's error on `via` (a dead target destroys it).
    piped = pipeline(via, target.input).catch(() => {});
    targetInput = via;
  }
  // One batch, two destinations: the kept sync output and the target's input.
  const out = new LineBatchWriter([file, targetInput]);
  let writeError: Error | null = null;
  try {
    await pumpTapOutput(tap, tally, out, shape);
    await out.end();
  } catch (e) {
    writeError = e as Error;
    tap.kill('SIGTERM');
    file.end();
    targetInput.destroy();
    target.stop();
  }
  await piped;
  const targetState = await target.output;
  const tapExit = await tap.exited;
  if (writeError) {
    // Whose fault: a target that died (or stopped reading) fails the export; otherwise the sync.
    if (!(await target.ended) || out.failed(targetInput)) await target.assertSucceeded(writeError);
    throw readFailure(writeError);
  }
  if (tapExit.code !== 0) await assertTapSucceeded(tap);
  await target.assertSucceeded(null);
  return runHeldBackRounds(targetRun, jobRoot, targetState, results, resolution);
}

const EXPORT = phaseNamed('export');

/**
 * A streaming job's one phase: the sync with the export alongside (the table's `streamsWith`). It
 * starts as the sync and reports the export's start once both connectors run; the job's
 * completion is its success, as for the export.
 */
export const STREAMING_PHASE: JobPhase = {
  row: phaseNamed('sync'),
  alongside: EXPORT,
  async prepare(ctx) {
    await prepareTapAndTarget(ctx);
  },
  async run(ctx) {
    const { tap, target, selection } = ctx.tapAndTarget;
    if (!target) throw new Error('a streaming phase was planned for a job without a target');
    await runStreamingPhase(
      tap,
      target,
      ctx.root,
      ctx.tally,
      () => ctx.status(EXPORT.start),
      ctx.writeResults,
      ctx.resolution ?? undefined,
      buildSelectionTransform(selection),
    );
    ctx.records.exported = shapedCounts(selection, ctx.tally.recordCount);
  },
};

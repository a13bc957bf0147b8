import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { phaseNamed } from '../../model/job-phases.js';
import { JOB_FILES } from '../../storage/job-root.js';
import type { WriteResultCollector } from '../../writes/write-result-collector.js';
import type { RecordIdResolution } from '../record-ids/record-id-resolution.js';
import { CAN_READ_OFFSETS, fileReadOffset } from './file-read-offset.js';
import type { JobPhase } from './job-phase.js';
import { feedingFailed } from './phase-failure.js';
import type { ConnectorRun } from './running-connectors.js';
import { startFileFedTarget, startTarget } from './running-target.js';

/**
 * Runs the target once over a file of Singer messages with back-pressure, through the record-id
 * resolution's next round when given (in the form the target takes).
 */
export async function runTargetOn(
  run: ConnectorRun,
  jobRoot: string,
  input: string,
  results?: WriteResultCollector,
  resolution?: RecordIdResolution,
): Promise<Record<string, unknown> | null> {
  // Nothing to look at on the way: a Singer target reads the file itself.
  if (!resolution && !run.inProcess && CAN_READ_OFFSETS) return runFileFedTarget(run, jobRoot, input, results);
  const target = startTarget(run, jobRoot, results, resolution !== undefined);
  let writeError: Error | null = null;
  try {
    // The input is newline-delimited Singer written by us: stream its bytes as they are.
    const source: Readable = createReadStream(input, { highWaterMark: 1024 * 1024 });
    await (resolution ? pipeline(source, resolution.round(target.takes), target.input) : pipeline(source, target.input));
  } catch (e) {
    writeError = e as Error;
  }
  const state = await target.output;
  await target.assertSucceeded(writeError);
  return state;
}

/**
 * The target reads the file as its stdin. A target that exits 0 without reading all of it would
 * otherwise pass silently (fed through a pipe, its early exit failed the next write): the file's
 * read position, shared with the target, must be at the end once it has exited.
 */
async function runFileFedTarget(
  run: ConnectorRun,
  jobRoot: string,
  input: string,
  results?: WriteResultCollector,
): Promise<Record<string, unknown> | null> {
  const file = await fs.open(input, 'r');
  try {
    const { size } = await file.stat();
    const target = startFileFedTarget(run, jobRoot, file.fd, results);
    const state = await target.output;
    await target.assertSucceeded(null);
    const read = await fileReadOffset(file.fd);
    if (read !== null && read < size)
      throw feedingFailed(new Error(`the target exited having read ${read} of the ${size} bytes of its input`));
    return state;
  } finally {
    await file.close();
  }
}

/**
 * Export: feed `etl-output/data.singer` to the target. With the record-id map in play, records
 * held back because their external id was in flight go to the target in further rounds.
 */
export async function runExportPhase(
  run: ConnectorRun,
  jobRoot: string,
  results?: WriteResultCollector,
  resolution?: RecordIdResolution,
): Promise<Record<string, unknown> | null> {
  const state = await runTargetOn(run, jobRoot, path.join(jobRoot, JOB_FILES.etlData), results, resolution);
  return runHeldBackRounds(run, jobRoot, state, results, resolution);
}

/**
 * After a round: the records the resolution held back go to the target in further rounds until
 * none are left. Returns the last state the target confirmed (`state` when there was no round).
 */
export async function runHeldBackRounds(
  run: ConnectorRun,
  jobRoot: string,
  state: Record<string, unknown> | null,
  results?: WriteResultCollector,
  resolution?: RecordIdResolution,
): Promise<Record<string, unknown> | null> {
  if (!resolution) return state;
  for (let input = await resolution.endRound(); input !== null; input = await resolution.endRound()) {
    state = await runTargetOn(run, jobRoot, input, results, resolution);
  }
  return state;
}

/** The export phase: the target over the ETL output, which it takes in whole or the phase fails. */
export const EXPORT_PHASE: JobPhase = {
  row: phaseNamed('export'),
  async run(ctx) {
    const { target } = ctx.tapAndTarget;
    if (!target) throw new Error('an export phase was planned for a job without a target');
    await runExportPhase(target, ctx.root, ctx.writeResults, ctx.resolution ?? undefined);
    // The target took the whole ETL output in and exited 0.
    ctx.records.exported = { ...ctx.records.after_etl };
  },
};

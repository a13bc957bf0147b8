import fs from 'node:fs/promises';
import path from 'node:path';
import type { JobStatus } from '../../model/job-phases.js';
import { stringifyJson } from '../../singer/lossless-json.js';
import { JOB_FILES } from '../../storage/job-root.js';
import { finalStatus, phaseFailedAs } from '../final-status.js';
import { measureDataSizes } from './data-sizes.js';
import type { JobContext } from './job-context.js';
import { peakMemoryMiB } from './peak-memory.js';
import { failureMessage, PhaseFailure } from './phase-failure.js';
import { shapedCounts } from './stream-record-counts.js';
import { rollBackWrites } from './write-rollback.js';

/**
 * After the last phase: the record ids kept, every record the target was sent answered for, the
 * new state written, and `finished` reported. What fails here fails the export (PhaseFailure).
 */
export async function reportFinished(ctx: JobContext): Promise<void> {
  const { channel, writeResults, records, tally, log, root } = ctx;
  if (channel) {
    try {
      await channel.settled();
    } catch (e) {
      throw new PhaseFailure('export', `the records were written but their remote ids could not be kept: ${(e as Error).message}`);
    }
  }
  writeResults.expectSent(records.exported);
  const writeSummary = await writeResults.finish();
  // A target that speaks the result protocol and ends without answering for some records leaves
  // their fate unknown: the job fails loudly rather than completing with records missing.
  const unanswered = Object.entries(writeSummary?.summary ?? {}).filter(([, sums]) => sums.not_sent);
  if (unanswered.length > 0) {
    const which = unanswered.map(([stream, sums]) => `${sums.not_sent} record(s) of stream "${stream}"`).join(', ');
    throw new PhaseFailure(
      'export',
      `the target reported no result for ${which} (counted as not_sent): whether they were written is unknown`,
    );
  }
  if (tally.lastState) await fs.writeFile(path.join(root, JOB_FILES.newState), `${stringifyJson(tally.lastState)}\n`);
  if (tally.invalidLines > 0) log.write(`the tap printed ${tally.invalidLines} line(s) that were not Singer messages`);
  for (const [stream, n] of Object.entries(tally.leftOut))
    log.write(`${n} record(s) of stream "${stream}", which the job did not select, were left out at the sync`);
  log.write('finished');
  await ctx.reportConfigsLeft();
  ctx.report({
    t: 'finished',
    newState: tally.lastState,
    recordCount: tally.recordCount,
    invalidLines: tally.invalidLines,
    records,
    dataSizes: await measureDataSizes(root),
    memoryUsage: peakMemoryMiB(),
    message: tally.invalidLines > 0 ? `${tally.invalidLines} non-Singer line(s) on the tap's stdout were skipped` : null,
    ...(writeSummary ? { writeSummary } : {}),
  });
}

/**
 * A phase (or the end) failed with `e`: what was written is rolled back when the settings ask, the
 * results so far kept, and `failed` reported with the phase it names (or the phase the job is in).
 */
export async function reportFailed(ctx: JobContext, e: unknown): Promise<void> {
  const { plan, log, writeResults, records, tally, resolution, channel, connectors, selection } = ctx;
  const named = e instanceof PhaseFailure ? e.phase : null;
  const failedAs = failedStatus(named, ctx.at);
  ctx.reportProgress();
  // What the target was to be given: the ETL output, or (streaming, or before the ETL step) what the tap read.
  writeResults.expectSent(
    Object.keys(records.after_etl).length > 0
      ? records.after_etl
      : selection
        ? shapedCounts(selection, tally.recordCount)
        : tally.recordCount,
  );
  let rollback: string | null = null;
  if (resolution && connectors?.target && plan.settings.rollback_on_failure) {
    log.write('rolling back what this job wrote (roll back on failure)');
    rollback = await rollBackWrites({
      targetRun: connectors.target,
      jobRoot: ctx.root,
      collector: writeResults,
      schemaLine: (s) => resolution.schemaLine(s),
    }).catch((err: Error) => `the rollback failed: ${err.message}`);
    if (rollback) log.write(rollback);
  }
  await channel?.settled().catch((err: Error) => log.write(`could not update the record-id map: ${err.message}`));
  // Before the end is reported (the worker then publishes the job root): a failed run keeps the results it had.
  const writeSummary = await writeResults.finish().catch(() => null);
  await ctx.reportConfigsLeft();
  const error = failureMessage((e as Error).message, failedAs, plan.source.capabilityNote);
  // As a phase's status is reported: the counts as they stand first, then the job's log.
  ctx.reportProgress();
  log.write(`status ${failedAs}${error ? `: ${error}` : ''}`);
  ctx.report({
    t: 'failed',
    phase: phaseFailedAs(failedAs),
    error,
    ...(rollback ? { message: rollback } : {}),
    ...(writeSummary ? { writeSummary } : {}),
  });
}

/** The status a job at `at` fails with, by the one decider (final-status.ts): for the job's log and the tap's note. */
export function failedStatus(phase: PhaseFailure['phase'] | null, at: JobStatus): JobStatus {
  const decided = finalStatus({ how: 'failed', phase, error: '' }, at);
  return decided && 'to' in decided ? decided.to : at;
}

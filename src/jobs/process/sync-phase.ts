import { createWriteStream } from 'node:fs';
import path from 'node:path';
import type { LineTransform } from '../../etl/field-map-transform.js';
import { phaseNamed } from '../../model/job-phases.js';
import { classifyLine } from '../../singer/line-classifier.js';
import { readLineBatches } from '../../singer/line-reader.js';
import { describeExit, type SingerProcess } from '../../singer/singer-process.js';
import { JOB_FILES } from '../../storage/job-root.js';
import type { JobPhase } from './job-phase.js';
import { LineBatchWriter } from './line-batch-writer.js';
import { PhaseFailure } from './phase-failure.js';
import type { StreamTally } from './record-counter.js';
import { type ConnectorRun, startConnector } from './running-connectors.js';
import { prepareTapAndTarget } from './tap-and-target.js';

/**
 * Reads a tap's stdout line by line into `sink` (raw bytes, untouched unless `shape` is given),
 * tallying and checking as it goes (StreamTally: what is skipped, what fails the sync).
 */
export async function pumpTapOutput(
  tap: SingerProcess,
  tally: StreamTally,
  sink: LineBatchWriter,
  shape?: LineTransform | null,
): Promise<void> {
  // Batches: one await per chunk, not per line — this loop is the hot path of every job.
  for await (const batch of readLineBatches(tap.stdout)) {
    for (const raw of batch) {
      const line = classifyLine(raw);
      if (!tally.take(line) || line.kind !== 'message') continue;
      const out = shape ? shape(line) : line.raw;
      if (out === null) continue;
      const wait = sink.write(out);
      if (wait) await wait;
    }
    // What the tap said so far goes on within milliseconds: a slow tap's records must not wait in
    // memory for a full batch (a streaming job's target would see them minutes late), and a tap
    // that writes a line at a time must not cost a write per line (LineBatchWriter.flushSoon).
    const wait = sink.flushSoon();
    if (wait) await wait;
  }
}

/** A sync that failed while its output was read: a broken line says so itself. */
export function readFailure(e: unknown): PhaseFailure {
  return e instanceof PhaseFailure ? e : new PhaseFailure('sync', `reading the tap's output failed: ${(e as Error).message}`);
}

export async function assertTapSucceeded(tap: SingerProcess): Promise<void> {
  const exit = await tap.exited;
  if (exit.code !== 0) throw new PhaseFailure('sync', describeExit('tap', exit, tap.stderrTail()));
}

/** Sync: run the tap to completion, keeping everything it said in `sync-output/data.singer`. */
export async function runSyncPhase(run: ConnectorRun, jobRoot: string, tally: StreamTally): Promise<void> {
  const tap = startConnector(run, jobRoot, 'tap');
  const out = new LineBatchWriter([createWriteStream(path.join(jobRoot, JOB_FILES.syncData))]);
  try {
    await pumpTapOutput(tap, tally, out);
  } catch (e) {
    tap.kill('SIGTERM');
    await tap.exited;
    await out.end().catch(() => {});
    throw readFailure(e);
  }
  await out.end();
  await assertTapSucceeded(tap);
}

/** The sync phase of a job that is not streaming: the tap alone, its output kept for the ETL step. */
export const SYNC_PHASE: JobPhase = {
  row: phaseNamed('sync'),
  async prepare(ctx) {
    await prepareTapAndTarget(ctx);
  },
  async run(ctx) {
    await runSyncPhase(ctx.tapAndTarget.tap, ctx.root, ctx.tally);
  },
};

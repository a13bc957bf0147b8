import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { readLines } from '../../singer/line-reader.js';
import { describeExit, type SingerProcess } from '../../singer/singer-process.js';
import { parseTargetStateLine } from '../../singer/target-state.js';
import { JOB_FILES } from '../job-root.js';
import { PhaseFailure } from './phase-failure.js';
import { startConnector, type ConnectorRun } from './running-connectors.js';
import type { RecordIdResolution } from './record-id-resolution.js';
import type { WriteResultCollector } from './write-results.js';

/**
 * Collects what a target prints: the state it confirms (the last one is kept), and every state
 * goes to `results` too, which keeps the per-record results of a write target.
 */
export async function readTargetOutput(target: SingerProcess, results?: WriteResultCollector): Promise<Record<string, unknown> | null> {
  let last: Record<string, unknown> | null = null;
  for await (const raw of readLines(target.stdout)) {
    const state = parseTargetStateLine(raw);
    if (state && results) await results.accept(state);
    last = state ?? last;
  }
  return last;
}

/** Waits for the target; a target that died (even halfway through its input) fails the export. */
export async function assertTargetSucceeded(target: SingerProcess, writeError: Error | null): Promise<void> {
  const exit = await target.exited;
  if (exit.code !== 0) throw new PhaseFailure('EXPORT_FAILED', describeExit('target', exit, target.stderrTail()));
  if (writeError) throw new PhaseFailure('EXPORT_FAILED', `feeding the target failed (it stopped reading, or its input could not be prepared): ${writeError.message}`);
}

/** Runs the target once over a file of Singer messages (through `via`, when given) with back-pressure. */
export async function runTargetOn(run: ConnectorRun, jobRoot: string, input: string, results?: WriteResultCollector, via?: Transform): Promise<Record<string, unknown> | null> {
  const target = startConnector(run, jobRoot, 'target');
  const output = readTargetOutput(target, results);
  let writeError: Error | null = null;
  try {
    // The input is newline-delimited Singer written by us: stream its bytes as they are.
    const source: Readable = createReadStream(input, { highWaterMark: 1024 * 1024 });
    await (via ? pipeline(source, via, target.stdin!) : pipeline(source, target.stdin!));
  } catch (e) {
    writeError = e as Error;
  }
  const state = await output;
  await assertTargetSucceeded(target, writeError);
  return state;
}

/**
 * Export: feed `etl-output/data.singer` to the target. With the record-id map in play, records
 * held back because their external id was in flight go to the target in further rounds.
 */
export async function runExportPhase(run: ConnectorRun, jobRoot: string, results?: WriteResultCollector, resolution?: RecordIdResolution): Promise<Record<string, unknown> | null> {
  let input: string | null = path.join(jobRoot, JOB_FILES.etlData);
  let state: Record<string, unknown> | null = null;
  while (input !== null) {
    state = await runTargetOn(run, jobRoot, input, results, resolution?.round());
    input = resolution ? await resolution.endRound() : null;
  }
  return state;
}

import type { JobPhaseRow } from '../../model/job-phases.js';
import type { JobContext } from './job-context.js';

/**
 * One phase of a job as its process runs it. Its statuses are its row of the one table of phases
 * (JOB_PHASES): runJob reports the row's start before `run` and its success (when the table has
 * one) after. A failure inside names its phase (PhaseFailure) or fails the phase the job is in.
 */
export interface JobPhase {
  readonly row: JobPhaseRow;
  /** A phase run alongside (streaming: the export with the sync): `run` reports its start; the job's success is its own. */
  readonly alongside?: JobPhaseRow;
  /** Work before the start status: its failure is the gap's (the failure of the phase about to run). */
  prepare?(ctx: JobContext): Promise<void>;
  run(ctx: JobContext): Promise<void>;
}

import { SinewError } from '../errors/sinew-error.js';
import {
  failureStatusFor,
  JOB_CANCELLED,
  JOB_COMPLETED,
  JOB_CREATED,
  JOB_PHASES,
  JOB_STATUSES,
  type JobStatus,
  placeOf,
} from '../model/job-phases.js';

// The failure status of every status, re-exported for the worker and the reaper.
export { failureStatusFor } from '../model/job-phases.js';

/**
 * The job state machine, derived from the table of phases (model/job-phases.ts): every status
 * change goes through `assertTransition`. From each status a job may move:
 *
 * - before a phase (JOB_CREATED, or a phase's success): to the start of each later phase up to the
 *   first it cannot skip, or, when it may skip them all, to JOB_COMPLETED too;
 * - at a phase's start: to its success (JOB_COMPLETED for the export) or its failure; a streaming
 *   job's sync may move on to the export's start, and its export may still fail as the sync;
 * - to its `failureStatusFor` (between two phases: the failure of the phase that would run next),
 *   so that every failure path ends a job whatever its status;
 * - to JOB_CANCELLED from any non-terminal status;
 * - back to JOB_CREATED from any running status: a re-queue (the job's worker was lost and
 *   `worker_loss_retries` allows another run, or a draining worker handed it back). Only
 *   `JobLifecycle.requeueIn` makes that move (a job process reporting JOB_CREATED is refused).
 *
 * Failures, JOB_COMPLETED and JOB_CANCELLED are terminal: no moves. A late report from a cancelled
 * job's process is refused by it.
 */
export const JOB_TRANSITIONS: Readonly<Record<JobStatus, readonly JobStatus[]>> = transitionTable();

function transitionTable(): Record<JobStatus, readonly JobStatus[]> {
  // Every key is set just below, from JOB_STATUSES.
  const table = {} as Record<JobStatus, readonly JobStatus[]>;
  for (const status of JOB_STATUSES) table[status] = movesFrom(status);
  return table;
}

function movesFrom(status: JobStatus): JobStatus[] {
  const place = placeOf(status);
  if (place.at === 'ended') return [];
  const moves: JobStatus[] = [];
  if (place.at === 'start') {
    const { phase } = place;
    moves.push(phase.success ?? JOB_COMPLETED);
    for (const later of JOB_PHASES) if (later.streamsWith === phase.phase) moves.push(later.start);
    for (const other of JOB_PHASES) if (phase.streamsWith === other.phase) moves.push(other.failure);
  } else {
    moves.push(...startsAfter(place.at === 'created' ? -1 : place.index));
  }
  moves.push(failureStatusFor(status), JOB_CANCELLED);
  if (status !== JOB_CREATED) moves.push(JOB_CREATED);
  return [...new Set(moves)];
}

/** The phases a job may start after phase `index` (-1: before the first), and JOB_COMPLETED if it may skip them all. */
function startsAfter(index: number): JobStatus[] {
  const out: JobStatus[] = [];
  for (const p of JOB_PHASES.slice(index + 1)) {
    out.push(p.start);
    if (!p.skippable) return out;
  }
  return [...out, JOB_COMPLETED];
}

export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return JOB_TRANSITIONS[from].includes(to);
}

export function assertTransition(jobId: string, from: JobStatus, to: JobStatus): void {
  if (!canTransition(from, to)) {
    throw new SinewError('INVALID_JOB_TRANSITION', `job ${jobId} cannot move from ${from} to ${to}`, { from, to });
  }
}

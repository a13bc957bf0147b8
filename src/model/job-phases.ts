/**
 * The one table of a job's phases, in the order a job runs them. Every other view of the job
 * lifecycle is derived from it: the statuses (below), the allowed moves (jobs/job-transitions.ts),
 * the failure status of every status (`failureStatusFor`), the phase durations
 * (metrics/job-phase-durations.ts), the job process's failure of its current phase, and what the
 * CLI and the event sinks treat as ended or failed.
 *
 * - `skippable`: a job may go on without running the phase. Discover runs only for taps that
 *   discover; export only for jobs with a target. The job process always runs the ETL step (a
 *   pass-through without a script), but the moves have long allowed a job to go on without it.
 * - The export has no success status of its own: it ends with the job (JOB_COMPLETED).
 * - `streamsWith`: a streaming job runs its sync and export together. The export starts while the
 *   sync is running (SYNC_STARTED → EXPORT_STARTED), and the job may still fail as the sync once the
 *   export has started (EXPORT_STARTED → SYNC_FAILED) when its tap dies.
 */
export const JOB_PHASES = [
  {
    phase: 'discover',
    start: 'DISCOVER_STARTED',
    success: 'DISCOVER_SUCCESS',
    failure: 'DISCOVER_FAILED',
    skippable: true,
    streamsWith: null,
  },
  { phase: 'sync', start: 'SYNC_STARTED', success: 'SYNC_SUCCESS', failure: 'SYNC_FAILED', skippable: false, streamsWith: null },
  { phase: 'etl', start: 'ETL_STARTED', success: 'ETL_SUCCESS', failure: 'ETL_FAILED', skippable: true, streamsWith: null },
  { phase: 'export', start: 'EXPORT_STARTED', success: null, failure: 'EXPORT_FAILED', skippable: true, streamsWith: 'sync' },
] as const;

export type JobPhaseRow = (typeof JOB_PHASES)[number];
export type JobPhaseName = JobPhaseRow['phase'];

/** Before the first phase: created (or re-queued), waiting for a worker. */
export const JOB_CREATED = 'JOB_CREATED';
/** The ends of a job besides a phase's failure. */
export const JOB_COMPLETED = 'JOB_COMPLETED';
export const JOB_CANCELLED = 'JOB_CANCELLED';

export type JobStatus =
  | typeof JOB_CREATED
  | JobPhaseRow['start']
  | NonNullable<JobPhaseRow['success']>
  | JobPhaseRow['failure']
  | typeof JOB_COMPLETED
  | typeof JOB_CANCELLED;

/** Every status of the job lifecycle (blueprint §3), phase by phase. */
export const JOB_STATUSES: readonly JobStatus[] = [
  JOB_CREATED,
  ...JOB_PHASES.flatMap((p): JobStatus[] => (p.success === null ? [p.start, p.failure] : [p.start, p.success, p.failure])),
  JOB_COMPLETED,
  JOB_CANCELLED,
];

export const FAILURE_STATUSES: ReadonlySet<JobStatus> = new Set(JOB_PHASES.map((p) => p.failure));

export const TERMINAL_STATUSES: ReadonlySet<JobStatus> = new Set([...FAILURE_STATUSES, JOB_COMPLETED, JOB_CANCELLED]);

/** Takes any string: the CLI and the event sinks read statuses from JSON. */
export const isTerminal = (s: string): boolean => (TERMINAL_STATUSES as ReadonlySet<string>).has(s);
export const isFailureStatus = (s: unknown): boolean => typeof s === 'string' && (FAILURE_STATUSES as ReadonlySet<string>).has(s);

export const isJobStatus = (s: string): s is JobStatus => (JOB_STATUSES as readonly string[]).includes(s);

/** Where a status sits in the table: before any phase, at a phase's start or success, or ended. */
export type StatusPlace = { at: 'created' } | { at: 'start' | 'success'; index: number; phase: JobPhaseRow } | { at: 'ended' };

export function placeOf(status: JobStatus): StatusPlace {
  if (status === JOB_CREATED) return { at: 'created' };
  // A status is the start or the success of at most one phase.
  for (const [index, phase] of JOB_PHASES.entries()) {
    if (phase.start === status) return { at: 'start', index, phase };
    if (phase.success === status) return { at: 'success', index, phase };
  }
  return { at: 'ended' };
}

/**
 * The phase that would run next after phase `index` (-1: before the first), for a failure between
 * two phases: the next phase the job cannot skip, or, when every later phase may be skipped, the one
 * right after. Undefined after the last phase.
 */
export function nextPhaseAfter(index: number): JobPhaseRow | undefined {
  const later = JOB_PHASES.slice(index + 1);
  return later.find((p) => !p.skippable) ?? later[0];
}

/**
 * The failure status of a job that fails at `status` (its process died, timed out or failed to
 * save, its worker was lost): the failure of the phase it is in; between two phases, the failure of
 * the phase it would run next (JOB_CREATED → SYNC_FAILED, DISCOVER_SUCCESS → SYNC_FAILED,
 * SYNC_SUCCESS → ETL_FAILED, ETL_SUCCESS → EXPORT_FAILED). Not the phase just done: its success is
 * recorded and announced already, and failing it afterwards would count it twice. A status that has
 * ended is returned as it is: nothing is left to fail.
 */
export function failureStatusFor(status: JobStatus): JobStatus {
  const place = placeOf(status);
  if (place.at === 'ended') return status;
  if (place.at === 'start') return place.phase.failure;
  // The last phase (export) has no success status, so a phase always follows a gap.
  return nextPhaseAfter(place.at === 'created' ? -1 : place.index)?.failure ?? status;
}

/** The row of the phase named `name`. */
export function phaseNamed(name: JobPhaseName): JobPhaseRow {
  // Every JobPhaseName is the name of a row: the type is read from the table.
  return JOB_PHASES.find((p) => p.phase === name)!;
}

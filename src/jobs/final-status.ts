import {
  failureStatusFor,
  isTerminal,
  JOB_CANCELLED,
  JOB_COMPLETED,
  JOB_CREATED,
  JOB_PHASES,
  type JobPhaseName,
  type JobStatus,
  phaseNamed,
} from '../model/job-phases.js';

/**
 * What happened to a run of a job, as whoever saw it reports it: the job process (finished, failed
 * in a phase), the worker (its process died, ran out of time, could not be saved, failed around it,
 * was handed back), the API (cancelled) or a reaper (the worker's lease was lost). Nobody names the
 * final status: `finalStatus` decides it, from this and the job's status now.
 */
export type RunEnding =
  | { how: 'finished' }
  /** `phase`: the phase that failed, when the process knows; null: the one the job is in (or would run next). */
  | { how: 'failed'; phase: JobPhaseName | null; error: string }
  /** It finished, but its files could not be saved to storage. */
  | { how: 'notSaved'; error: string }
  | { how: 'died'; code: number | null; signal: string | null }
  | { how: 'timedOut'; limitSeconds: number }
  /** The worker failed around the process (planning, storage, the store): `error` says how. */
  | { how: 'crashed'; error: string }
  | { how: 'cancelled' }
  /** The lease could not be kept (`why`); `losses` so far and the `retries` worker_loss_retries allows. */
  | { how: 'leaseLost'; why: string; losses: number; retries: number }
  /** A stopping worker gives the job back (`why`); it runs again elsewhere. */
  | { how: 'handedBack'; why: string };

/** Where a job goes: a final status (with its error), back to the queue, or nowhere (null: it has ended already). */
export type FinalStatus = { to: JobStatus; error?: string } | { requeue: { message: string; countLoss: boolean } } | null;

/**
 * The one decision of how a job ends. A job that has ended stays as it is (a cancel that came
 * first wins over its process's late report). A failure without a phase named fails the phase the
 * job is in, or between two phases the one it would run next (`failureStatusFor`), so every failure
 * is a move the transition table allows. Pure: callers apply it through JobLifecycle.
 */
export function finalStatus(ending: RunEnding, current: JobStatus): FinalStatus {
  if (isTerminal(current)) return null;
  switch (ending.how) {
    case 'finished':
      return { to: JOB_COMPLETED };
    case 'failed':
      return { to: ending.phase === null ? failureStatusFor(current) : phaseNamed(ending.phase).failure, error: ending.error };
    case 'notSaved':
      return { to: failureStatusFor(current), error: `the job's files could not be saved to storage: ${ending.error}` };
    case 'died':
      return {
        to: failureStatusFor(current),
        error: `the job process exited with ${ending.signal ? `signal ${ending.signal}` : `code ${ending.code}`} before the job finished (out of memory or killed?)`,
      };
    case 'timedOut':
      return {
        to: failureStatusFor(current),
        error: `the job ran longer than its limit of ${ending.limitSeconds} s (job_timeout_seconds) and was stopped`,
      };
    case 'crashed':
      return { to: failureStatusFor(current), error: ending.error };
    case 'cancelled':
      return { to: JOB_CANCELLED };
    case 'leaseLost':
      // Never started: simply back in line, no loss counted.
      if (current === JOB_CREATED) return { requeue: { message: '', countLoss: false } };
      if (ending.losses < ending.retries) {
        const message = `re-queued: ${ending.why} (worker loss ${ending.losses + 1} of ${ending.retries} allowed by worker_loss_retries); the job runs again from the start`;
        return { requeue: { message, countLoss: true } };
      }
      return { to: failureStatusFor(current), error: ending.why };
    case 'handedBack':
      return {
        requeue: { message: `handed back: the worker running this job ${ending.why}; it runs again from the start`, countLoss: false },
      };
  }
}

/** The phase whose failure status is `status` (a process of an older version reports its failure as a status). */
export function phaseFailedAs(status: JobStatus): JobPhaseName | null {
  return JOB_PHASES.find((p) => p.failure === status)?.phase ?? null;
}

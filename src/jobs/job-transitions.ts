import { SinewError } from '../errors/sinew-error.js';
import type { JobStatus } from '../model/job.js';

/**
 * The job state machine: every status change goes through `assertTransition`. Failures and
 * JOB_COMPLETED / JOB_CANCELLED are terminal. A streaming job runs sync and export together, so it
 * moves SYNC_STARTED → EXPORT_STARTED and may then still fail its sync.
 *
 * JOB_CREATED again, from any running status, is a re-queue: the job's worker was lost and
 * `worker_loss_retries` allows another run, or a draining worker handed it back. Only
 * `JobLifecycle.requeueIn` makes that move (a job process reporting JOB_CREATED is refused).
 */
export const JOB_TRANSITIONS: Readonly<Record<JobStatus, readonly JobStatus[]>> = {
  JOB_CREATED: ['DISCOVER_STARTED', 'SYNC_STARTED', 'SYNC_FAILED', 'JOB_CANCELLED'],
  DISCOVER_STARTED: ['DISCOVER_SUCCESS', 'DISCOVER_FAILED', 'JOB_CANCELLED', 'JOB_CREATED'],
  DISCOVER_SUCCESS: ['SYNC_STARTED', 'SYNC_FAILED', 'JOB_CANCELLED', 'JOB_CREATED'],
  SYNC_STARTED: ['SYNC_SUCCESS', 'SYNC_FAILED', 'EXPORT_STARTED', 'JOB_CANCELLED', 'JOB_CREATED'],
  SYNC_SUCCESS: ['ETL_STARTED', 'EXPORT_STARTED', 'JOB_COMPLETED', 'JOB_CANCELLED', 'JOB_CREATED'],
  ETL_STARTED: ['ETL_SUCCESS', 'ETL_FAILED', 'JOB_CANCELLED', 'JOB_CREATED'],
  ETL_SUCCESS: ['EXPORT_STARTED', 'JOB_COMPLETED', 'JOB_CANCELLED', 'JOB_CREATED'],
  EXPORT_STARTED: ['JOB_COMPLETED', 'EXPORT_FAILED', 'SYNC_FAILED', 'JOB_CANCELLED', 'JOB_CREATED'],
  DISCOVER_FAILED: [],
  SYNC_FAILED: [],
  ETL_FAILED: [],
  EXPORT_FAILED: [],
  JOB_COMPLETED: [],
  JOB_CANCELLED: [],
};

export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return JOB_TRANSITIONS[from].includes(to);
}

export function assertTransition(jobId: string, from: JobStatus, to: JobStatus): void {
  if (!canTransition(from, to)) {
    throw new SinewError('INVALID_JOB_TRANSITION', `job ${jobId} cannot move from ${from} to ${to}`, { from, to });
  }
}

/** The failure status that matches the phase a job was in (used when a worker dies under it). */
export function failureStatusFor(status: JobStatus): JobStatus {
  switch (status) {
    case 'DISCOVER_STARTED':
      return 'DISCOVER_FAILED';
    case 'ETL_STARTED':
      return 'ETL_FAILED';
    case 'EXPORT_STARTED':
    case 'ETL_SUCCESS':
      return 'EXPORT_FAILED';
    default:
      return 'SYNC_FAILED';
  }
}

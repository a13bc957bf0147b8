import type { JobStatus } from '../../model/job.js';

/** A phase ended badly: the job ends with `status` and `message` as its `error`. */
export class PhaseFailure extends Error {
  constructor(
    readonly status: JobStatus,
    message: string,
  ) {
    super(message);
    this.name = 'PhaseFailure';
  }
}

/** The export failed because the target's input could not be written (the target itself did not fail). */
export function feedingFailed(writeError: Error): PhaseFailure {
  return new PhaseFailure('EXPORT_FAILED', `feeding the target failed (it stopped reading, or its input could not be prepared): ${writeError.message}`);
}

/** A failed discover or sync also names the tap's flags and how they were chosen (`tapNote`). */
export function failureMessage(failure: PhaseFailure, tapNote: string | undefined): string {
  const tapPhase = failure.status === 'DISCOVER_FAILED' || failure.status === 'SYNC_FAILED';
  return tapNote && tapPhase ? `${failure.message}\n${tapNote}` : failure.message;
}

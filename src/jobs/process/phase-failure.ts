import { type JobPhaseName, type JobStatus, phaseNamed } from '../../model/job-phases.js';

/** A phase ended badly, and says which: the job fails in `phase` with `message` as its `error`. */
export class PhaseFailure extends Error {
  constructor(
    readonly phase: JobPhaseName,
    message: string,
  ) {
    super(message);
    this.name = 'PhaseFailure';
  }
}

/** The export failed because the target's input could not be written (the target itself did not fail). */
export function feedingFailed(writeError: Error): PhaseFailure {
  return new PhaseFailure(
    'export',
    `feeding the target failed (it stopped reading, or its input could not be prepared): ${writeError.message}`,
  );
}

/** A failed discover or sync (`failedAs`: the status the job fails with) also names the tap's flags and how they were chosen (`tapNote`). */
export function failureMessage(message: string, failedAs: JobStatus, tapNote: string | undefined): string {
  return tapNote && TAP_PHASE_FAILURES.has(failedAs) ? `${message}\n${tapNote}` : message;
}

/** The failures of the phases the tap runs in, from the table of phases. */
const TAP_PHASE_FAILURES: ReadonlySet<JobStatus> = new Set([phaseNamed('discover').failure, phaseNamed('sync').failure]);

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

import { appendFileSync } from 'node:fs';
import type { SecretScrubber } from '../../crypto/secret-scrubber.js';

/** The job's own log (`logs/job.log`): phase boundaries and warnings, one timestamped line each. */
export class JobLog {
  constructor(
    private readonly file: string,
    /** Its lines quote connectors (errors, stray output lines): the job's secrets are scrubbed. */
    private readonly scrubber?: SecretScrubber,
  ) {}

  write(message: string): void {
    appendFileSync(this.file, `${new Date().toISOString()} ${this.scrubber ? this.scrubber.scrub(message) : message}\n`);
  }
}

import { appendFileSync } from 'node:fs';

/** The job's own log (`logs/job.log`): phase boundaries and warnings, one timestamped line each. */
export class JobLog {
  constructor(private readonly file: string) {}

  write(message: string): void {
    appendFileSync(this.file, `${new Date().toISOString()} ${message}\n`);
  }
}

import type { Logger } from 'pino';
import { isTerminal, type Job } from '../model/job.js';
import { isFailureStatus } from '../model/job-phases.js';
import type { JobLifecycle } from './job-lifecycle.js';
import { jobLogFields } from './job-log-fields.js';

/**
 * One log line per status change, written by the process that made the change (the API for a new
 * or cancelled job, the worker for the rest), with the job's ids: a job's story can be read from
 * the logs of all processes by `job_id`. Failures at warn, with the job's error (as the API shows it).
 */
export function logJobStatusChanges(lifecycle: JobLifecycle, logger: Logger): void {
  lifecycle.changes.on('job', (job: Job) => {
    const created = job.status_timestamp.JOB_CREATED;
    const ended = isTerminal(job.status) ? job.status_timestamp[job.status] : undefined;
    const fields = {
      ...jobLogFields(job),
      status: job.status,
      ...(ended !== undefined && created !== undefined ? { duration_ms: ended - created } : {}),
    };
    if (isFailureStatus(job.status)) logger.warn({ ...fields, error: job.error }, 'job failed');
    else logger.info(fields, 'job status changed');
  });
}

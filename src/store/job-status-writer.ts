import { notFound } from '../errors/sinew-error.js';
import type { Job } from '../model/job.js';
import { toJsonColumn } from './json-column.js';
import type { Connection } from './store-connection.js';

/**
 * The one write that replaces a stored job, its status included. Only JobLifecycle may use it: it
 * checks the transition, stamps the time, locks the row and writes the lifecycle event in the same
 * transaction, and a status written any other way would skip all four.
 */
export interface JobStatusWriter {
  /** Replaces the stored job (NOT_FOUND when there is none in its environment). */
  write(job: Job): Promise<void>;
}

/**
 * The key under which every store view holds its JobStatusWriter. Code can reach the writer only
 * by importing this symbol, and `.dependency-cruiser.cjs` lets nothing outside src/store import
 * this module but src/jobs/job-lifecycle.ts (rule `job-status-writes-only-in-job-lifecycle`).
 */
export const JOB_STATUS_WRITER: unique symbol = Symbol('JobStatusWriter');

export class KyselyJobStatusWriter implements JobStatusWriter {
  readonly #db: Connection;

  constructor(connection: Connection) {
    this.#db = connection;
  }

  async write(job: Job): Promise<void> {
    const result = await this.#db()
      .updateTable('jobs')
      .set({ status: job.status, s3_root: job.s3_root, doc: toJsonColumn(job) })
      .where('env_id', '=', job.env_id)
      .where('job_id', '=', job.job_id)
      .executeTakeFirstOrThrow();
    if (result.numUpdatedRows === 0n) throw notFound('job', { job_id: job.job_id });
  }
}

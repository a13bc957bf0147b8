import type { Job } from '../model/job.js';

/** The ids every log line about a job carries, so one job's lines can be found across processes. */
export interface JobLogFields {
  job_id: string;
  env_id: string;
  flow_id: string;
  tenant: string;
}

export const jobLogFields = (job: Pick<Job, 'job_id' | 'env_id' | 'flow_id' | 'tenant'>): JobLogFields => ({
  job_id: job.job_id,
  env_id: job.env_id,
  flow_id: job.flow_id,
  tenant: job.tenant,
});

import type { Job } from '../model/job.js';

/** The job object as the API and webhooks show it: internal bookkeeping and sealed secrets left out. */
export function publicJob(job: Job): Record<string, unknown> {
  const { sealed_overrides: _sealed, link_role: _role, link_connector: _connector, ...visible } = job;
  return visible;
}

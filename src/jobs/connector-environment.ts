import type { Job } from '../model/job.js';

/** Sinew's own secrets must never reach a tenant's connector or an ETL script. */
const WITHHELD = /^SINEW_|^PG(PASSWORD|USER|HOST|DATABASE)$|^AWS_(SECRET|ACCESS|SESSION)/;

/** This process's environment without Sinew's secrets: what any connector process may see. */
export function hostEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !WITHHELD.test(k)) env[k] = v;
  return env;
}

/** The environment a job's connectors and ETL run with: the host's basics plus the blueprint §5 variables. */
export function connectorEnvironment(job: Job, apiUrl: string): Record<string, string> {
  return {
    ...hostEnvironment(),
    TENANT: job.tenant,
    FLOW: job.flow_id,
    ENV_ID: job.env_id,
    JOB_ID: job.job_id,
    API_URL: apiUrl,
    JOB_ROOT: job.s3_root,
    SYNC_TYPE: job.sync_type,
    JOB_TYPE: job.job_type ?? 'read',
    CONNECTOR_ID: job.connector_id ?? '',
    TAP: job.tap ?? '',
    TARGET: job.target ?? '',
  };
}

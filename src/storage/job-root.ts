/** The storage root of a job: `{tenant}/flows/{flow}/jobs/{yyyy}/{mm}/{dd}/{hh}/{mi}/{job_id}` (UTC). */
export function jobRoot(tenant: string, flowId: string, jobId: string, at: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return [
    tenant,
    'flows',
    flowId,
    'jobs',
    String(at.getUTCFullYear()),
    two(at.getUTCMonth() + 1),
    two(at.getUTCDate()),
    two(at.getUTCHours()),
    two(at.getUTCMinutes()),
    jobId,
  ].join('/');
}

/** Files and folders inside a job root (blueprint §3). */
export const JOB_FILES = {
  config: 'config.json',
  targetConfig: 'target-config.json',
  state: 'state.json',
  catalog: 'catalog.json',
  syncOutput: 'sync-output',
  syncData: 'sync-output/data.singer',
  newState: 'sync-output/state.json',
  etlOutput: 'etl-output',
  etlData: 'etl-output/data.singer',
  exportDetails: 'export-details',
  logs: 'logs',
  jobLog: 'logs/job.log',
  tapLog: 'logs/tap.log',
  targetLog: 'logs/target.log',
  etlLog: 'logs/etl.log',
  snapshots: 'snapshots',
} as const;

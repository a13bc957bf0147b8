import type { FieldMap } from './field-map.js';
import type { JobStatus } from './job-phases.js';

// The statuses come from the table of phases; re-exported here, where most code looks for them.
export { isTerminal, JOB_STATUSES, type JobStatus, TERMINAL_STATUSES } from './job-phases.js';

export type SyncType = 'full_sync' | 'incremental_sync' | 'auto_sync';

/** The source of write jobs: the records come in the job request's `state` (the built-in `api`). */
export const API_SOURCE = 'api';

/**
 * A write job: its records came with the request (tap `api`), its `state` holds their results, and
 * it never moves a link's incremental state. The one place that says so.
 */
export const isWriteJob = (job: Pick<Job, 'tap'>): boolean => job.tap === API_SOURCE;
export type JobType = 'read' | 'write';

/** The job object: every field of the job-lifecycle webhook example (seeds/003), plus ours. */
export interface Job {
  job_id: string;
  env_id: string;
  flow_id: string;
  job_name: string;
  tenant: string;
  started_by: string;
  s3_root: string;
  start_time: string;
  state: Record<string, unknown>;
  tap: string | null;
  target: string | null;
  connector_id: string | null;
  job_type: JobType | null;
  status: JobStatus;
  scheduled_job: boolean;
  sync_type: SyncType;
  streaming_job: boolean;
  queue_if_active_job: boolean;
  reset_source_state: boolean;
  override_start_date: string | null;
  override_end_date: string | null;
  override_selected_tables: string[] | null;
  override_field_map: FieldMap | null;
  /** Overrides may hold credentials: stored encrypted, shown redacted. */
  override_source_config: Record<string, unknown> | null;
  override_target_config: Record<string, unknown> | null;
  override_lifecycle_webhook: string | null;
  task_id: string;
  task_type: string;
  task_definition: { id: string; memory: number; cpu: number };
  discover_install_uri: string | null;
  target_install_uri: string | null;
  metrics: { recordCount: Record<string, number>; invalidLines?: number; records?: StreamRecordCounts };
  data_sizes: { sync_output: number; etl_output: number; snapshots: number; total: number };
  last_updated: string;
  error: string | null;
  message: string | null;
  status_timestamp: Partial<Record<JobStatus, number>>;
  resources_usage: { memoryUsage: number };
  /** The link this job runs for (role + connector), so two jobs of one link never overlap. */
  link_role: 'source' | 'target' | 'connector';
  link_connector: string;
  /** AES-GCM ciphertext of the job's override configs in clear (internal; never in API answers). */
  sealed_overrides: string | null;
}

/**
 * Records per stream at each step, keyed by the stream name at that step (a field map may rename):
 * `synced` from the tap, `after_etl` in the ETL output, `exported` handed to the target (the whole
 * ETL output once the target exited 0; what a streaming job piped).
 */
export interface StreamRecordCounts {
  synced: Record<string, number>;
  after_etl: Record<string, number>;
  exported: Record<string, number>;
}

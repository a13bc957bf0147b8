/**
 * The job settings of an environment's settings document (seeds/000), which a flow may override field
 * by field; their defaults and schema are in src/settings/environment-settings.ts.
 */
export interface JobSettings {
  /** Every job runs a full historical sync: stored state is ignored. */
  force_full_sync: boolean;
  /** The catalog (field map) is refreshed by a discover before every job, keeping selections. */
  force_discover: boolean;
  /** A full sync job starts as soon as a tenant links a source/connector. */
  trigger_job_on_link: boolean;
  /** A discover runs as soon as a tenant links a source/connector. */
  discover_on_link: boolean;
  /** A failed job rolls back: state, snapshots and record-id maps return to what they were. */
  rollback_on_failure: boolean;
  /** Links made while this is on get `default_schedule` as their schedule. */
  default_schedule_on_link: boolean;
  /** The environment's default sync schedule, e.g. `{ "schedule_expression": "cron(0 0 * * *)" }`. */
  default_schedule: { schedule_expression: string; job_type?: 'read' | 'write' } | null;
  /** Snapshots are saved even when the job fails. */
  save_snapshots_on_failure: boolean;
  /** Write jobs save the InputId → RemoteId map as snapshot files. */
  save_record_ids_in_snapshots: boolean;
  /** A job still running after this long is stopped and failed (its phase's *_FAILED). */
  job_timeout_seconds: number;
  /** Memory limit of the ETL script's process (MiB). */
  etl_memory_mb: number;
  /**
   * How many times a job whose worker died under it (killed, crashed, lost its lease) is queued
   * again to run from the start; after that it fails. 0: it fails at once. Re-running is only safe
   * when the job's target tolerates records written twice.
   */
  worker_loss_retries: number;
  /**
   * How much of each connector run's stderr its log (`logs/tap.log`, `logs/target.log`) keeps: the
   * first `connector_log_head_mb` and the last `connector_log_tail_mb` MiB, with a line saying how
   * many bytes in between were dropped. Fractions allowed; 0 keeps none of that end.
   */
  connector_log_head_mb: number;
  connector_log_tail_mb: number;
}

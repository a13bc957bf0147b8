/**
 * The fields of a seeded job that the benchmarks never vary: a csv → jsonl read job started as
 * it is, without any override (the job object of blueprint §3).
 */
export const PLAIN_JOB_FIELDS = {
  tap: 'csv',
  target: 'jsonl',
  connector_id: null,
  sync_type: 'incremental_sync',
  streaming_job: false,
  queue_if_active_job: false,
  reset_source_state: false,
  override_start_date: null,
  override_end_date: null,
  override_selected_tables: null,
  override_field_map: null,
  override_source_config: null,
  override_target_config: null,
  override_lifecycle_webhook: null,
  link_role: 'source',
  link_connector: 'csv',
  message: null,
} as const;

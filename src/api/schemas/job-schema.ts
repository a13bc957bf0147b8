import { JOB_STATUSES } from '../../model/job.js';
import { countsByStream, dateTime, nullableOpenObject, nullableText, openObject, text } from './schema-parts.js';

const flag = { type: 'boolean' } as const;

/** The job object as the API shows it (src/jobs/job-view.ts `publicJob`): every field of seeds/003, plus ours. */
export const jobSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['job_id', 'env_id', 'flow_id', 'tenant', 'status', 's3_root', 'start_time', 'last_updated'],
  properties: {
    job_id: text,
    env_id: text,
    flow_id: text,
    job_name: text,
    tenant: text,
    started_by: { type: 'string', description: '`api`, `scheduler`, or the tenant id when a tenant token started it' },
    s3_root: { type: 'string', description: 'The storage root: `{tenant}/flows/{flow}/jobs/{yyyy}/{mm}/{dd}/{hh}/{mi}/{job_id}`' },
    start_time: dateTime,
    state: openObject(
      'Singer state; a write job: its records (`{ "<stream>": [...] }`), then its results (`bookmarks`, `summary`). Numbers keep their exact text',
    ),
    tap: nullableText,
    target: nullableText,
    connector_id: nullableText,
    job_type: { type: ['string', 'null'], enum: ['read', 'write', null] },
    status: { type: 'string', enum: [...JOB_STATUSES] },
    scheduled_job: flag,
    sync_type: { type: 'string', enum: ['full_sync', 'incremental_sync', 'auto_sync'] },
    streaming_job: flag,
    queue_if_active_job: flag,
    reset_source_state: flag,
    override_start_date: nullableText,
    override_end_date: nullableText,
    override_selected_tables: { type: ['array', 'null'], items: text },
    override_field_map: nullableOpenObject(),
    override_source_config: nullableOpenObject('Redacted: secrets read `********`'),
    override_target_config: nullableOpenObject('Redacted: secrets read `********`'),
    override_lifecycle_webhook: nullableText,
    task_id: text,
    task_type: text,
    task_definition: {
      type: 'object',
      additionalProperties: false,
      properties: { id: text, memory: { type: 'number' }, cpu: { type: 'number' } },
    },
    discover_install_uri: nullableText,
    target_install_uri: nullableText,
    metrics: {
      type: 'object',
      additionalProperties: false,
      properties: {
        recordCount: { ...countsByStream, description: 'Records per stream' },
        invalidLines: { type: 'integer' },
        records: {
          type: 'object',
          additionalProperties: false,
          description: 'Records per stream at each step (synced from the tap, after ETL, exported to the target)',
          properties: { synced: countsByStream, after_etl: countsByStream, exported: countsByStream },
        },
      },
    },
    data_sizes: {
      type: 'object',
      additionalProperties: false,
      description: 'KiB',
      properties: {
        sync_output: { type: 'number' },
        etl_output: { type: 'number' },
        snapshots: { type: 'number' },
        total: { type: 'number' },
      },
    },
    last_updated: dateTime,
    error: nullableText,
    message: nullableText,
    status_timestamp: { type: 'object', additionalProperties: { type: 'integer' }, description: 'status → epoch ms' },
    resources_usage: { type: 'object', additionalProperties: false, properties: { memoryUsage: { type: 'number', description: 'MiB' } } },
  },
} as const;

const writeSummary = {
  type: 'object',
  additionalProperties: false,
  properties: {
    success: { type: 'integer' },
    fail: { type: 'integer' },
    existing: { type: 'integer' },
    updated: { type: 'integer' },
    not_sent: { type: 'integer', description: 'Records the target reported no result for (present only when some)' },
  },
} as const;

/** One record's result (blueprint §4). Ids and hashes are as the target reported them. */
export const writeResultSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    hash: {},
    success: flag,
    id: { description: "The record's id in the target system" },
    externalId: { description: "The owner's id of the record" },
    error: { description: "The remote system's message when success is false" },
    existing: flag,
    updated: flag,
    deleted: flag,
  },
} as const;

export const writeSummarySchema = { type: 'object', additionalProperties: writeSummary, description: 'Per stream' } as const;

/** `GET …/jobs/{job_id}/export`: Export Details. */
export const exportPageSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['summary', 'results', 'next_offset'],
  properties: {
    summary: writeSummarySchema,
    rollback: openObject('When the failed job was rolled back: per stream, remote records deleted and those not undone'),
    results: { type: 'array', items: writeResultSchema },
    next_offset: { type: ['integer', 'null'], description: 'Where the next page starts; null on the last page' },
  },
} as const;

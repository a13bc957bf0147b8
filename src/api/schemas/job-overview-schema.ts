import { JOB_STATUSES } from '../../model/job-phases.js';
import { dateTime, text } from './schema-parts.js';

const count = { type: 'integer', minimum: 0 } as const;
const statusWindow = {
  type: 'object',
  additionalProperties: false,
  required: ['total', 'failed', 'failure_rate', 'by_status'],
  properties: {
    total: count,
    failed: count,
    failure_rate: { type: 'number', minimum: 0, maximum: 1, description: 'Failed jobs / finished jobs (0 when none finished)' },
    by_status: { type: 'object', additionalProperties: false, properties: Object.fromEntries(JOB_STATUSES.map((s) => [s, count])) },
  },
} as const;

const linkProperties = {
  flow_id: text,
  tenant: text,
  role: { type: 'string', enum: ['source', 'target', 'connector'] },
  connector_id: text,
} as const;
const linkRow = (description: string, extra: Record<string, object>, required: string[]) =>
  ({
    type: 'array',
    description,
    items: {
      type: 'object',
      additionalProperties: false,
      required: [...Object.keys(linkProperties), ...required],
      properties: { ...linkProperties, ...extra },
    },
  }) as const;

/** `GET /{env}/jobs/overview` (src/jobs/job-overview.ts `JobOverview`). */
export const jobOverviewSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['generated_at', 'last_24h', 'last_7d', 'per_day', 'failing_links', 'slowest_links', 'recent_jobs', 'invalid_links'],
  properties: {
    generated_at: dateTime,
    last_24h: { ...statusWindow, description: 'Jobs created in the last 24 hours, by status' },
    last_7d: { ...statusWindow, description: 'Jobs created in the last 7 days, by status' },
    per_day: {
      type: 'array',
      description: 'The last 7 UTC days (the first one partly), oldest first',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['day', 'total', 'failed'],
        properties: { day: { type: 'string', format: 'date' }, total: count, failed: count },
      },
    },
    failing_links: linkRow('The links with the most failed jobs in the last 7 days (at most 10)', { failed: count }, ['failed']),
    slowest_links: linkRow(
      'The links whose finished jobs took longest on average, among the last 300 finished jobs of the 7 days (at most 10)',
      { jobs: count, average_ms: count, max_ms: count },
      ['jobs', 'average_ms', 'max_ms'],
    ),
    recent_jobs: {
      type: 'array',
      description: 'The last 300 finished jobs of the 7 days, oldest first: duration and records of each',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['job_id', 'flow_id', 'tenant', 'status', 'start_time', 'duration_ms', 'records'],
        properties: {
          job_id: text,
          flow_id: text,
          tenant: text,
          status: { type: 'string', enum: JOB_STATUSES },
          start_time: dateTime,
          duration_ms: count,
          records: count,
        },
      },
    },
    invalid_links: linkRow(
      'Links whose credentials a provider refused: the tenant must link again',
      {
        health: {
          type: 'object',
          required: ['status', 'reason', 'since'],
          properties: {
            status: { type: 'string', enum: ['ok', 'invalid', 'unknown'] },
            reason: { type: ['object', 'null'], properties: { code: text, message: text } },
            since: dateTime,
          },
        },
      },
      ['health'],
    ),
  },
} as const;

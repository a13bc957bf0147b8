import { jobRequestSchema } from '../../model/job-request.js';
import { dateTime, nullableDateTime, nullableText, openObject, text } from './schema-parts.js';

// The job fields a schedule keeps, as the job request declares them (without the request's limits).
const {
  state: _records,
  queue_if_active_job: _queue,
  tap: _tap,
  target: _target,
  connector_id: _connector,
  job_type: _jobType,
  ...jobFields
} = jobRequestSchema.properties;

/** A link's schedule as the API shows it (src/schedules/schedule-service.ts `view`). */
export const scheduleSchema = {
  type: 'object',
  additionalProperties: false,
  required: [
    'flow_id',
    'tenant',
    'schedule_expression',
    'state',
    'when_active',
    'next_run',
    'last_fired_at',
    'last_outcome',
    'created_at',
    'updated_at',
  ],
  properties: {
    tap: { type: 'string', description: 'v1 source flows: the linked source' },
    target: { type: 'string', description: 'v1 target flows: the linked target' },
    connector_id: { type: 'string', description: 'v2 flows: the linked connector' },
    flow_id: text,
    tenant: text,
    schedule_expression: text,
    state: { type: 'string', enum: ['ENABLED', 'DISABLED'] },
    job_type: { type: ['string', 'null'], enum: ['read', 'write', null] },
    when_active: { type: 'string', enum: ['skip', 'queue'] },
    ...jobFields,
    override_source_config: openObject('Redacted: secrets read `********`'),
    override_target_config: openObject('Redacted: secrets read `********`'),
    next_run: { ...nullableDateTime, description: 'When it fires next (null while DISABLED)' },
    last_fired_at: nullableDateTime,
    last_outcome: nullableText,
    created_at: dateTime,
    updated_at: dateTime,
  },
} as const;

import { type FieldMap, fieldMapSchema } from './field-map.js';

/** The body of `POST /{env}/{flow}/{tenant}/jobs` (v1) and `/v2/…/jobs` (v2 adds connector_id, job_type). */
export interface JobRequest {
  tap?: string;
  target?: string;
  state?: Record<string, unknown>;
  job_name?: string;
  override_start_date?: string;
  override_end_date?: string;
  reset_source_state?: boolean;
  override_selected_tables?: string[];
  override_field_map?: FieldMap;
  override_source_config?: Record<string, unknown>;
  override_target_config?: Record<string, unknown>;
  override_lifecycle_webhook?: string;
  queue_if_active_job?: boolean;
  streaming_job?: boolean;
  connector_id?: string;
  job_type?: 'read' | 'write';
}

const overrideObject = { type: 'object', additionalProperties: true };

/** JSON Schema of the job request, for request validation and /openapi.json. */
export const jobRequestSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    tap: { type: 'string', minLength: 1 },
    target: { type: 'string', minLength: 1 },
    state: { type: 'object', additionalProperties: true },
    job_name: { type: 'string', maxLength: 200 },
    override_start_date: { type: 'string', format: 'date-time' },
    override_end_date: { type: 'string', format: 'date-time' },
    reset_source_state: { type: 'boolean' },
    override_selected_tables: { type: 'array', items: { type: 'string', minLength: 1 } },
    override_field_map: fieldMapSchema,
    override_source_config: overrideObject,
    override_target_config: overrideObject,
    override_lifecycle_webhook: { type: 'string', format: 'uri' },
    queue_if_active_job: { type: 'boolean' },
    streaming_job: { type: 'boolean' },
    connector_id: { type: 'string', minLength: 1 },
    job_type: { type: 'string', enum: ['read', 'write'] },
  },
} as const;

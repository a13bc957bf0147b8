import type { FastifyInstance } from 'fastify';
import { jobRequestSchema } from '../../model/job-request.js';
import type { ScheduleLinkSelector } from '../../schedules/schedule-link.js';
import type { ScheduleInput } from '../../schedules/schedule-service.js';
import { noContent } from '../schemas/schema-parts.js';
import { ref } from '../schemas/shared-schemas.js';
import type { SinewServices } from '../sinew-services.js';
import { type TenantPath, tenantParams } from './route-params.js';

const scheduleAnswer = { 200: ref('Schedule') } as const;

// The job request fields a schedule may fix; `state` means ENABLED/DISABLED here, and
// queue_if_active_job is what `when_active` decides.
const { state: _records, queue_if_active_job: _queue, tap, target, connector_id, job_type, ...jobFields } = jobRequestSchema.properties;
const scheduleFields = {
  ...jobFields,
  schedule_expression: { type: 'string', minLength: 1, maxLength: 200, description: '`cron(0 0 * * *)` or a plain 5-field cron, UTC' },
  state: { type: 'string', enum: ['ENABLED', 'DISABLED'] },
  when_active: {
    type: 'string',
    enum: ['skip', 'queue'],
    description: 'when the link still has a job queued or running: skip this tick, or queue behind it',
  },
} as const;
const bodySchema = (version: 'v1' | 'v2', partial = false) => ({
  type: 'object',
  additionalProperties: false,
  ...(partial ? { minProperties: 1 } : { required: ['schedule_expression'] }),
  properties: version === 'v1' ? { ...scheduleFields, tap, target } : { ...scheduleFields, connector_id, job_type },
});
const selectorQuery = (version: 'v1' | 'v2') => ({
  type: 'object',
  additionalProperties: false,
  properties: { ...(version === 'v1' ? { tap, target } : { connector_id }), token: { type: 'string' } },
});

/** `PUT/PATCH/GET/DELETE /{env}/{flow}/{tenant}/jobs/schedule`, v1 and v2: a link's sync schedule. */
export function registerScheduleRoutes(app: FastifyInstance, s: SinewServices): void {
  for (const version of ['v1', 'v2'] as const) {
    const path = `${version === 'v2' ? '/v2' : ''}/:env/:flow/:tenant/jobs/schedule`;
    app.put<{ Params: TenantPath; Body: ScheduleInput }>(
      path,
      {
        schema: { params: tenantParams, body: bodySchema(version), response: scheduleAnswer },
        config: { summary: `Set a link's job schedule (${version})` },
      },
      async (req) => s.schedules.put(req.params.env, req.params.flow, req.params.tenant, req.body, version),
    );
    app.patch<{ Params: TenantPath; Body: Partial<ScheduleInput> }>(
      path,
      {
        schema: { params: tenantParams, body: bodySchema(version, true), response: scheduleAnswer },
        config: { summary: `Change some fields of a link's job schedule; the others stay (${version})` },
      },
      async (req) => s.schedules.patch(req.params.env, req.params.flow, req.params.tenant, req.body, version),
    );
    app.get<{ Params: TenantPath; Querystring: ScheduleLinkSelector }>(
      path,
      {
        schema: { params: tenantParams, querystring: selectorQuery(version), response: scheduleAnswer },
        config: { summary: "A link's job schedule, its next run and last firing" },
      },
      async (req) => s.schedules.get(req.params.env, req.params.flow, req.params.tenant, req.query, version),
    );
    app.delete<{ Params: TenantPath; Querystring: ScheduleLinkSelector }>(
      path,
      {
        schema: { params: tenantParams, querystring: selectorQuery(version), response: noContent },
        config: { summary: "Delete a link's job schedule" },
      },
      async (req, reply) => {
        await s.schedules.remove(req.params.env, req.params.flow, req.params.tenant, req.query, version);
        return reply.status(204).send();
      },
    );
  }
}

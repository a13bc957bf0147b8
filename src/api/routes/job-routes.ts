import type { FastifyInstance } from 'fastify';
import { publicJob } from '../../jobs/job-view.js';
import type { JobStatus } from '../../model/job.js';
import { type JobRequest, jobRequestSchema } from '../../model/job-request.js';
import { textAnswer } from '../schemas/schema-parts.js';
import { listOf, ref } from '../schemas/shared-schemas.js';
import type { SinewServices } from '../sinew-services.js';
import { parseJobStatuses } from './job-status-query.js';
import { jobParams, type TenantPath, tenantParams } from './route-params.js';

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: { type: 'string' },
    limit: { type: 'integer', minimum: 1, maximum: 500 },
    before: { type: 'string' },
    token: { type: 'string' },
  },
} as const;

const parseStatuses = (text: string | undefined): JobStatus[] | undefined => (text ? parseJobStatuses(text) : undefined);

/** Jobs v1 and v2: create, list, status by root, get, cancel, logs. */
export function registerJobRoutes(app: FastifyInstance, s: SinewServices): void {
  for (const version of ['v1', 'v2'] as const) {
    const prefix = version === 'v2' ? '/v2' : '';
    app.post<{ Params: TenantPath; Body: JobRequest }>(
      `${prefix}/:env/:flow/:tenant/jobs`,
      {
        schema: { params: tenantParams, body: jobRequestSchema, response: { 200: ref('Job') } },
        config: { summary: `Create a job (${version})`, errors: ['JOB_ALREADY_ACTIVE', 'FORBIDDEN_FIELD', 'CONNECTOR_NOT_SUPPORTED'] },
      },
      async (req) => {
        const body = req.body ?? {};
        const byTenant = req.principal?.kind === 'tenant';
        const job = await s.jobs.create({
          envId: req.params.env,
          flowId: req.params.flow,
          tenant: req.params.tenant,
          request: body,
          version,
          startedBy: byTenant ? req.params.tenant : 'api',
          byTenant,
        });
        return publicJob(job);
      },
    );
    app.get<{ Params: TenantPath; Querystring: { status?: string; limit?: number; before?: string } }>(
      `${prefix}/:env/:flow/:tenant/jobs`,
      {
        schema: { params: tenantParams, querystring: listQuery, response: { 200: listOf('Job') } },
        config: { summary: 'List jobs, newest first' },
      },
      async (req) => {
        const jobs = await s.jobs.list(req.params.env, req.params.flow, req.params.tenant, {
          status: parseStatuses(req.query.status),
          limit: req.query.limit ?? 50,
          before: req.query.before,
        });
        return jobs.map(publicJob);
      },
    );
    app.get<{ Params: TenantPath; Querystring: { job_root: string } }>(
      `${prefix}/:env/:flow/:tenant/jobs/status`,
      {
        schema: {
          params: tenantParams,
          querystring: {
            type: 'object',
            required: ['job_root'],
            properties: { job_root: { type: 'string', minLength: 1 }, token: { type: 'string' } },
          },
          response: { 200: ref('Job') },
        },
        config: { summary: 'One job by its storage root' },
      },
      async (req) => publicJob(await s.jobs.getByRoot(req.params.env, req.params.flow, req.params.tenant, req.query.job_root)),
    );
    app.get<{ Params: TenantPath & { job_id: string } }>(
      `${prefix}/:env/:flow/:tenant/jobs/:job_id`,
      { schema: { params: jobParams, response: { 200: ref('Job') } }, config: { summary: 'One job' } },
      async (req) => publicJob(await s.jobs.get(req.params.env, req.params.flow, req.params.tenant, req.params.job_id)),
    );
    app.post<{ Params: TenantPath & { job_id: string } }>(
      `${prefix}/:env/:flow/:tenant/jobs/:job_id/cancel`,
      {
        schema: { params: jobParams, response: { 200: ref('Job') } },
        config: { summary: 'Cancel a job', errors: ['INVALID_JOB_TRANSITION'] },
      },
      async (req) => publicJob(await s.jobs.cancel(req.params.env, req.params.flow, req.params.tenant, req.params.job_id)),
    );
    app.get<{ Params: TenantPath & { job_id: string } }>(
      `${prefix}/:env/:flow/:tenant/jobs/:job_id/logs`,
      {
        schema: {
          params: jobParams,
          response: { 200: textAnswer('text/plain', 'Every log file of the job, each after a `==> name <==` line') },
        },
        config: { summary: "A job's logs in phase order (job, tap, etl, target)" },
      },
      async (req, reply) =>
        reply
          .type('text/plain; charset=utf-8')
          .send(await s.jobs.logs(req.params.env, req.params.flow, req.params.tenant, req.params.job_id)),
    );
  }
}

import type { FastifyInstance } from 'fastify';
import { invalid } from '../../errors/sinew-error.js';
import { listEnvironmentJobs } from '../../jobs/environment-job-list.js';
import { publicJob } from '../../jobs/job-view.js';
import { listOf } from '../schemas/shared-schemas.js';
import type { SinewServices } from '../sinew-services.js';
import { parseJobStatuses } from './job-status-query.js';
import { envParams } from './route-params.js';

const query = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: { type: 'string', description: 'Comma-separated job statuses' },
    flow_id: { type: 'string', minLength: 1, maxLength: 64 },
    tenant_id: { type: 'string', minLength: 1, maxLength: 200 },
    job_type: { type: 'string', enum: ['read', 'write'] },
    created_after: { type: 'string', format: 'date-time' },
    created_before: { type: 'string', format: 'date-time' },
    limit: { type: 'integer', minimum: 1, maximum: 500 },
    before: { type: 'string', minLength: 1, maxLength: 200, description: 'The last job_id of the previous page' },
  },
} as const;

interface Query {
  status?: string;
  flow_id?: string;
  tenant_id?: string;
  job_type?: 'read' | 'write';
  created_after?: string;
  created_before?: string;
  limit?: number;
  before?: string;
}

/** `GET /{env}/jobs`: the environment's jobs across flows and tenants, newest first (owner only). */
export function registerEnvironmentJobRoutes(app: FastifyInstance, s: SinewServices): void {
  app.get<{ Params: { env: string }; Querystring: Query }>(
    '/:env/jobs',
    {
      schema: { params: envParams, querystring: query, response: { 200: listOf('Job') } },
      config: { summary: "The environment's jobs across flows and tenants, newest first, with filters and paging" },
    },
    async (req) => {
      const q = req.query;
      const after = q.created_after === undefined ? undefined : Date.parse(q.created_after);
      const before = q.created_before === undefined ? undefined : Date.parse(q.created_before);
      if (after !== undefined && before !== undefined && after >= before)
        throw invalid('created_after must be before created_before', { created_after: q.created_after, created_before: q.created_before });
      const jobs = await listEnvironmentJobs(s.store, req.params.env, {
        ...(q.status ? { status: parseJobStatuses(q.status) } : {}),
        ...(q.flow_id ? { flow_id: q.flow_id } : {}),
        ...(q.tenant_id ? { tenant: q.tenant_id } : {}),
        ...(q.job_type ? { job_type: q.job_type } : {}),
        ...(after !== undefined ? { created_after: after } : {}),
        ...(before !== undefined ? { created_before: before } : {}),
        limit: q.limit ?? 50,
        ...(q.before ? { before: q.before } : {}),
      });
      return jobs.map(publicJob);
    },
  );
}

import type { FastifyInstance } from 'fastify';
import { stringifyJson } from '../../singer/lossless-json.js';
import { ref } from '../schemas/shared-schemas.js';
import type { SinewServices } from '../sinew-services.js';
import { jobParams, type TenantPath } from './route-params.js';

const exportQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: ['success', 'failure'] },
    phase: { type: 'string', enum: ['write', 'rollback'] },
    limit: { type: 'integer', minimum: 1, maximum: 1000 },
    offset: { type: 'integer', minimum: 0 },
    token: { type: 'string' },
  },
} as const;

type ExportQuery = { status?: 'success' | 'failure'; phase?: 'write' | 'rollback'; limit?: number; offset?: number };

/** A write job's Export Details (v1 and v2): the sums and its per-record results, paged. */
export function registerExportRoutes(app: FastifyInstance, s: SinewServices): void {
  for (const prefix of ['', '/v2']) {
    app.get<{ Params: TenantPath & { job_id: string }; Querystring: ExportQuery }>(
      `${prefix}/:env/:flow/:tenant/jobs/:job_id/export`,
      {
        schema: { params: jobParams, querystring: exportQuery, response: { 200: ref('ExportDetails') } },
        config: { summary: "A write job's per-record results (Export Details)" },
      },
      async (req, reply) => {
        const page = await s.jobs.exportDetails(req.params.env, req.params.flow, req.params.tenant, req.params.job_id, {
          status: req.query.status,
          phase: req.query.phase,
          limit: req.query.limit ?? 100,
          offset: req.query.offset ?? 0,
        });
        // Ids and hashes are sent byte for byte as the target reported them (big numbers included).
        return reply.type('application/json; charset=utf-8').send(stringifyJson(page));
      },
    );
  }
}

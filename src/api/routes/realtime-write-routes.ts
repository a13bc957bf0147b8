import type { FastifyInstance } from 'fastify';
import { realtimeWriteAnswerSchema, writeTaskStatusSchema } from '../schemas/write-schema.js';
import type { SinewServices } from '../sinew-services.js';
import { type TenantPath, tenantParams } from './route-params.js';

const id = { type: 'string', minLength: 1, maxLength: 200 } as const;

const writeParams = {
  type: 'object',
  required: ['env', 'flow', 'tenant', 'connector_id', 'stream'],
  properties: { ...tenantParams.properties, connector_id: id, stream: id },
} as const;

const writeBody = {
  type: 'object',
  required: ['data'],
  additionalProperties: false,
  properties: {
    data: { description: 'One record, or an array of records', anyOf: [{ type: 'object' }, { type: 'array', items: { type: 'object' } }] },
    async: { type: 'boolean', description: 'Answer at once with a task id to poll (default false: answer with the results)' },
  },
} as const;

const statusQuery = {
  type: 'object',
  required: ['taskId'],
  additionalProperties: false,
  properties: { taskId: id, token: { type: 'string' } },
} as const;

type WritePath = TenantPath & { connector_id: string; stream: string };

/** Real-time writes (v1 and v2 paths): records straight into a tenant's target, with per-record results. */
export function registerRealtimeWriteRoutes(app: FastifyInstance, s: SinewServices): void {
  for (const prefix of ['', '/v2']) {
    app.get<{ Params: TenantPath; Querystring: { taskId: string } }>(
      `${prefix}/:env/:flow/:tenant/connectors/status`,
      {
        schema: { params: tenantParams, querystring: statusQuery, response: { 200: writeTaskStatusSchema } },
        config: { summary: 'The status and results of an asynchronous real-time write' },
      },
      async (req) => s.writes.status(req.params.env, req.params.flow, req.params.tenant, req.query.taskId),
    );
    app.post<{ Params: WritePath; Body: { data: unknown; async?: boolean } }>(
      `${prefix}/:env/:flow/:tenant/connectors/:connector_id/:stream`,
      {
        schema: { params: writeParams, body: writeBody, response: { 200: realtimeWriteAnswerSchema } },
        config: {
          summary: "Write records into the tenant's system now (real-time write)",
          errors: ['CONNECTOR_NOT_SUPPORTED', 'CONNECTOR_FAILED', 'ADDRESS_REFUSED'],
        },
      },
      async (req) =>
        s.writes.write({
          envId: req.params.env,
          flowId: req.params.flow,
          tenant: req.params.tenant,
          connectorId: req.params.connector_id,
          stream: req.params.stream,
          data: req.body.data,
          async: req.body.async ?? false,
          byTenant: req.principal?.kind === 'tenant',
        }),
    );
  }
}

import type { FastifyInstance } from 'fastify';
import { flowDefinitionSchema } from '../../flows/flow-service.js';
import type { FlowDefinition } from '../../model/flow.js';
import { linkedFlowsSchema, supportedFlowsSchema } from '../schemas/flow-schema.js';
import { noContent } from '../schemas/schema-parts.js';
import { listOf, ref } from '../schemas/shared-schemas.js';
import type { SinewServices } from '../sinew-services.js';
import { envParams } from './route-params.js';

const flowParams = {
  type: 'object',
  required: ['env', 'flow'],
  properties: { env: { type: 'string' }, flow: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;

/** Flow administration (environment key), plus the widget's supported/linked listings. */
export function registerFlowRoutes(app: FastifyInstance, s: SinewServices): void {
  app.get<{ Params: { env: string } }>(
    '/:env/flows',
    { schema: { params: envParams, response: { 200: listOf('Flow') } }, config: { summary: 'List flows' } },
    async (req) => s.flows.list(req.params.env),
  );
  app.post<{ Params: { env: string }; Body: FlowDefinition }>(
    '/:env/flows',
    {
      schema: { params: envParams, body: flowDefinitionSchema, response: { 200: ref('Flow') } },
      config: { summary: 'Create a flow with a generated id', errors: ['CONNECTOR_NOT_SUPPORTED'] },
    },
    async (req) => s.flows.put(req.params.env, null, req.body),
  );
  app.get<{ Params: { env: string } }>(
    '/:env/flows/supported',
    {
      schema: { params: envParams, response: { 200: supportedFlowsSchema } },
      config: { summary: 'Flows and the connectors tenants may link' },
    },
    async (req) =>
      (await s.flows.list(req.params.env)).map((f) => ({ flow_id: f.flow_id, name: f.name, type: f.type, connectors: f.connectors })),
  );
  app.get<{ Params: { env: string }; Querystring: { tenant_id: string } }>(
    '/:env/flows/linked',
    {
      schema: {
        params: envParams,
        querystring: {
          type: 'object',
          required: ['tenant_id'],
          properties: { tenant_id: { type: 'string', minLength: 1 }, token: { type: 'string' } },
        },
        response: { 200: linkedFlowsSchema },
      },
      config: { summary: 'Flows in which a tenant has links' },
    },
    async (req) => {
      const links = await s.store.links.list({ env_id: req.params.env, tenant: req.query.tenant_id });
      const flows = await s.flows.list(req.params.env);
      return flows
        .filter((f) => links.some((l) => l.flow_id === f.flow_id))
        .map((f) => ({
          flow_id: f.flow_id,
          name: f.name,
          type: f.type,
          linked: links.filter((l) => l.flow_id === f.flow_id).map((l) => ({ role: l.role, connector_id: l.connector_id })),
        }));
    },
  );
  app.get<{ Params: { env: string; flow: string } }>(
    '/:env/flows/:flow',
    { schema: { params: flowParams, response: { 200: ref('Flow') } }, config: { summary: 'One flow' } },
    async (req) => s.flows.get(req.params.env, req.params.flow),
  );
  app.put<{ Params: { env: string; flow: string }; Body: FlowDefinition }>(
    '/:env/flows/:flow',
    {
      schema: { params: flowParams, body: flowDefinitionSchema, response: { 200: ref('Flow') } },
      config: { summary: 'Create or replace a flow', errors: ['CONNECTOR_NOT_SUPPORTED'] },
    },
    async (req) => s.flows.put(req.params.env, req.params.flow, req.body),
  );
  app.delete<{ Params: { env: string; flow: string } }>(
    '/:env/flows/:flow',
    { schema: { params: flowParams, response: noContent }, config: { summary: 'Delete a flow' } },
    async (req, reply) => {
      await s.flows.delete(req.params.env, req.params.flow);
      return reply.status(204).send();
    },
  );
}

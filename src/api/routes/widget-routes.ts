import type { FastifyInstance } from 'fastify';
import { tenantFlowView } from '../../flows/tenant-flow-view.js';
import { tenantLimitsSchema } from '../../model/tenant-limits.js';
import { textAnswer } from '../schemas/schema-parts.js';
import type { SinewServices } from '../sinew-services.js';
import { NO_WEB_FILES, type WebFiles } from '../web-bundles.js';
import { CONNECT_PAGE_CSP, connectPage } from './connect-page.js';

const flowParams = {
  type: 'object',
  required: ['env', 'flow'],
  properties: { env: { type: 'string' }, flow: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;
const nullableUrl = { type: ['string', 'null'] } as const;

const tenantFlowSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['flow_id', 'name', 'type', 'tenant_limits', 'connectors'],
  properties: {
    flow_id: { type: 'string' },
    name: { type: 'string' },
    type: { type: 'string', enum: ['v1-source', 'v1-target', 'v2'] },
    tenant_limits: { ...tenantLimitsSchema, required: ['field_map', 'min_schedule_interval_minutes'] },
    connectors: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'label', 'kind', 'icon_url', 'auth', 'config_schema', 'discover'],
        properties: {
          id: { type: 'string' },
          label: { type: 'string' },
          kind: { type: 'string', enum: ['source', 'target', 'both'] },
          icon_url: { ...nullableUrl, description: "From the environment's widget.connector_icons" },
          auth: {
            type: 'string',
            enum: ['oauth2', 'fields', 'none'],
            description:
              'oauth2: link through POST …/oauth/{connector_id}/start (the environment has an OAuth app); fields: the config form',
          },
          config_schema: {
            type: 'object',
            additionalProperties: true,
            description: 'The fields a tenant fills in (JSON Schema); OAuth token fields left out',
          },
          discover: { type: 'boolean', description: 'The connector can list its streams and fields (discover)' },
        },
      },
    },
  },
} as const;

/**
 * The widget's faces (issue #16): `GET /widget.js` (the one file a host page loads), the hosted
 * connect page that magic links open, and what a tenant may link in a flow.
 */
export function registerWidgetRoutes(app: FastifyInstance, s: SinewServices, bundles: WebFiles = NO_WEB_FILES): void {
  app.get(
    '/widget.js',
    {
      schema: { response: { 200: textAnswer('text/javascript', 'The embeddable widget (window.Sinew)') } },
      config: { summary: 'The embeddable widget: one script, no framework needed (docs/widget.md)' },
    },
    async (_req, reply) =>
      reply
        .type('text/javascript; charset=utf-8')
        // Host pages on other origins load it with <script src>; a short cache lets an upgrade reach them soon.
        .header('cache-control', 'public, max-age=300')
        .header('cross-origin-resource-policy', 'cross-origin')
        .send(await bundles.read('widget.js')),
  );
  app.get(
    '/connect',
    {
      schema: { response: { 200: textAnswer('text/html', 'The hosted connect page') } },
      config: { summary: 'The hosted connect page a magic link opens (the link token is in the URL fragment)' },
    },
    async (_req, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', CONNECT_PAGE_CSP)
        .header('referrer-policy', 'no-referrer')
        .header('cache-control', 'no-store')
        .send(connectPage()),
  );
  app.get<{ Params: { env: string; flow: string } }>(
    '/:env/flows/:flow/connectors',
    {
      schema: { params: flowParams, response: { 200: tenantFlowSchema } },
      config: { summary: 'What a tenant may link in a flow: its connectors (config form, auth, icon) and the limits the owner set' },
    },
    async (req) => tenantFlowView(s.store, req.params.env, req.params.flow),
  );
}

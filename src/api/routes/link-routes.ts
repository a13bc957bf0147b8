import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalid, notFound } from '../../errors/sinew-error.js';
import { type FieldMap, nullableFieldMapSchema } from '../../model/field-map.js';
import type { ConfigSetter, LinkKey, LinkRole } from '../../model/link.js';
import { discoverPollSchema, discoverRunSchema, linkCheckSchema, linkStateSchema } from '../schemas/link-schema.js';
import { noContent } from '../schemas/schema-parts.js';
import { listOf, ref, type SharedSchemaName } from '../schemas/shared-schemas.js';
import type { SinewServices } from '../sinew-services.js';
import { type TenantPath, tenantParams } from './route-params.js';

const config = { type: 'object', additionalProperties: true } as const;
const optionalObject = { type: ['object', 'null'], additionalProperties: true } as const;

/** v1 bodies: `{ source: { tap, config } }` / `{ target: { target, config } }`; v2: `{ connector_id, config }`. */
const bodies = {
  source: {
    type: 'object',
    required: ['source'],
    additionalProperties: false,
    properties: {
      source: {
        type: 'object',
        required: ['tap'],
        additionalProperties: false,
        properties: { tap: { type: 'string', minLength: 1 }, config },
      },
      field_map: nullableFieldMapSchema,
      schedule: optionalObject,
    },
  },
  target: {
    type: 'object',
    required: ['target'],
    additionalProperties: false,
    properties: {
      target: {
        type: 'object',
        required: ['target'],
        additionalProperties: false,
        properties: { target: { type: 'string', minLength: 1 }, config },
      },
      field_map: nullableFieldMapSchema,
      schedule: optionalObject,
    },
  },
  connector: {
    type: 'object',
    required: ['connector_id'],
    additionalProperties: false,
    properties: { connector_id: { type: 'string', minLength: 1 }, config, field_map: nullableFieldMapSchema, schedule: optionalObject },
  },
} as const;

type LinkBody = {
  source?: { tap: string; config?: Record<string, unknown> };
  target?: { target: string; config?: Record<string, unknown> };
  connector_id?: string;
  config?: Record<string, unknown>;
  field_map?: FieldMap | null;
  schedule?: Record<string, unknown> | null;
};

const ROUTES: { path: string; role: LinkRole; idQuery: string; schema: SharedSchemaName; prefix: string }[] = [
  { path: 'linkedSources', role: 'source', idQuery: 'source', schema: 'LinkedSource', prefix: '' },
  { path: 'linkedTargets', role: 'target', idQuery: 'target', schema: 'LinkedTarget', prefix: '' },
  { path: 'linkedConnectors', role: 'connector', idQuery: 'connector_id', schema: 'LinkedConnector', prefix: '/v2' },
];

/**
 * What linking can refuse beyond bad input: a connector the flow does not offer, a config host the
 * address policy refuses, credentials the connector's check refuses, the owner's validation webhook.
 */
const LINK_ERRORS = [
  'CONNECTOR_NOT_SUPPORTED',
  'ADDRESS_REFUSED',
  'CREDENTIALS_REFUSED',
  'LINK_VALIDATION_REFUSED',
  'LINK_VALIDATION_UNAVAILABLE',
  'CONFLICT',
] as const;

function connectorOf(body: LinkBody, role: LinkRole): { id: string; config: Record<string, unknown> } {
  if (role === 'source') return { id: body.source!.tap, config: body.source!.config ?? {} };
  if (role === 'target') return { id: body.target!.target, config: body.target!.config ?? {} };
  return { id: body.connector_id!, config: body.config ?? {} };
}

/** A config sent with a tenant token is the tenant's (its file paths are confined); with the environment key, the owner's. */
const setterOf = (req: FastifyRequest): ConfigSetter => (req.principal?.kind === 'tenant' ? 'tenant' : 'owner');

/** linkedSources, linkedTargets (v1) and linkedConnectors (v2), their state, and v2 discover. */
export function registerLinkRoutes(app: FastifyInstance, s: SinewServices): void {
  for (const r of ROUTES) {
    const base = `${r.prefix}/:env/:flow/:tenant/${r.path}`;
    const idQuery = { type: 'object', properties: { [r.idQuery]: { type: 'string', minLength: 1 }, token: { type: 'string' } } } as const;

    /** Which link a request means: the named one, or the tenant's only one in this flow. */
    const keyOf = async (p: TenantPath, named: string | undefined): Promise<LinkKey> => {
      await s.links.flowFor(p.env, p.flow, r.role);
      if (named) return { env_id: p.env, flow_id: p.flow, tenant: p.tenant, role: r.role, connector_id: named };
      const links = await s.store.links.list({ env_id: p.env, flow_id: p.flow, tenant: p.tenant, role: r.role });
      // Nothing linked is a missing link (404); several is an ambiguous request (400).
      const [only, ...others] = links;
      if (!only) throw notFound(`linked ${r.role}`, { tenant: p.tenant, flow_id: p.flow });
      if (others.length > 0) throw invalid(`several links: pass ?${r.idQuery}=`, { linked: links.map((l) => l.connector_id) });
      return { env_id: p.env, flow_id: p.flow, tenant: p.tenant, role: r.role, connector_id: only.connector_id };
    };
    type Q = { Params: TenantPath; Querystring: Record<string, string | undefined> };
    const linkChange = { 200: ref(r.schema) } as const;

    app.get<Q>(
      base,
      {
        schema: { params: tenantParams, querystring: idQuery, response: { 200: listOf(r.schema) } },
        config: { summary: `List the tenant's ${r.path}` },
      },
      async (req) => s.links.list(req.params.env, req.params.flow, req.params.tenant, r.role),
    );
    app.post<{ Params: TenantPath; Body: LinkBody }>(
      base,
      {
        schema: { params: tenantParams, body: bodies[r.role], response: linkChange },
        config: { summary: `Link (or overwrite) a ${r.role}`, errors: LINK_ERRORS },
      },
      async (req) => {
        const { id, config: cfg } = connectorOf(req.body, r.role);
        const link = await s.links.put(req.params.env, req.params.flow, req.params.tenant, r.role, {
          connector_id: id,
          config: cfg,
          field_map: req.body.field_map,
          schedule: req.body.schedule,
          set_by: setterOf(req),
        });
        return s.links.view(link);
      },
    );
    if (r.role === 'connector') {
      app.patch<{ Params: TenantPath; Body: LinkBody }>(
        base,
        {
          schema: { params: tenantParams, body: bodies.connector, response: linkChange },
          config: { summary: 'Change part of a linked connector (config keys merge)', errors: LINK_ERRORS },
        },
        async (req) => {
          const link = await s.links.put(
            req.params.env,
            req.params.flow,
            req.params.tenant,
            'connector',
            {
              connector_id: req.body.connector_id!,
              config: req.body.config ?? {},
              field_map: req.body.field_map,
              schedule: req.body.schedule,
              set_by: setterOf(req),
            },
            true,
          );
          return s.links.view(link);
        },
      );
      app.post<Q>(
        `${base}/discover`,
        {
          schema: { params: tenantParams, querystring: idQuery, response: { 200: discoverRunSchema } },
          config: { summary: 'Start a discover for a linked connector', errors: ['CONNECTOR_NOT_SUPPORTED'] },
        },
        async (req) => {
          const body = (req.body ?? {}) as { connector_id?: string };
          const key = await keyOf(req.params, req.query.connector_id ?? body.connector_id);
          await s.links.get(key);
          return s.discover.start(key);
        },
      );
      app.get<Q>(
        `${base}/discover/poll`,
        {
          schema: { params: tenantParams, querystring: idQuery, response: { 200: discoverPollSchema } },
          config: { summary: 'Poll the last discover' },
        },
        async (req) => s.discover.poll(await keyOf(req.params, req.query.connector_id)),
      );
    }
    // Issue #15: checks the link's credentials again now; its health follows the answer.
    app.post<Q>(
      `${base}/check`,
      {
        schema: { params: tenantParams, querystring: idQuery, response: { 200: linkCheckSchema } },
        config: { summary: `Check a linked ${r.role}'s credentials again`, errors: ['CONNECTOR_NOT_SUPPORTED', 'OAUTH_TOKEN_FAILED'] },
      },
      async (req) => s.links.recheck(await keyOf(req.params, req.query[r.idQuery])),
    );
    app.delete<Q>(
      base,
      { schema: { params: tenantParams, querystring: idQuery, response: noContent }, config: { summary: `Unlink a ${r.role}` } },
      async (req, reply) => {
        await s.links.remove(await keyOf(req.params, req.query[r.idQuery]));
        return reply.status(204).send();
      },
    );
    app.get<Q>(
      `${base}/state`,
      {
        schema: { params: tenantParams, querystring: idQuery, response: { 200: linkStateSchema } },
        config: { summary: "A link's incremental state" },
      },
      async (req) => {
        const link = await s.links.get(await keyOf(req.params, req.query[r.idQuery]));
        return link.state ?? {};
      },
    );
    app.put<Q & { Body: Record<string, unknown> }>(
      `${base}/state`,
      {
        schema: { params: tenantParams, querystring: idQuery, body: { type: 'object' }, response: { 200: linkStateSchema } },
        config: { summary: "Replace a link's incremental state" },
      },
      async (req) => {
        const key = await keyOf(req.params, req.query[r.idQuery]);
        await s.links.setState(key, req.body);
        return req.body;
      },
    );
    app.delete<Q>(
      `${base}/state`,
      {
        schema: { params: tenantParams, querystring: idQuery, response: noContent },
        config: { summary: "Reset a link's incremental state" },
      },
      async (req, reply) => {
        await s.links.setState(await keyOf(req.params, req.query[r.idQuery]), null);
        return reply.status(204).send();
      },
    );
  }
}

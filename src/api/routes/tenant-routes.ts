import type { FastifyInstance } from 'fastify';
import {
  DEFAULT_TENANT_TOKEN_TTL_SECONDS,
  issueTenantToken,
  MAX_TENANT_TOKEN_TTL_SECONDS,
  revokeTenantTokens,
} from '../../tenants/tenant-tokens.js';
import type { SinewServices } from '../sinew-services.js';

const params = {
  type: 'object',
  required: ['env', 'tenant'],
  properties: { env: { type: 'string' }, tenant: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

import { noContent, openObject } from '../schemas/schema-parts.js';

/** tenant-config.json: the owner's document, any fields (numbers keep their exact text). */
const tenantConfig = openObject('tenant-config.json');

const envOnly = { type: 'object', required: ['env'], properties: { env: { type: 'string' } } } as const;

/** Tenants, tenant-config.json, and tenant tokens for the embeddable widget. */
export function registerTenantRoutes(app: FastifyInstance, s: SinewServices): void {
  app.get<{ Params: { env: string } }>(
    '/tenants/:env',
    {
      schema: { params: envOnly, response: { 200: { type: 'array', items: { type: 'string' }, description: 'Tenant ids' } } },
      config: { summary: 'List tenants' },
    },
    async (req) => s.tenants.list(req.params.env),
  );
  app.delete<{ Params: { env: string; tenant: string } }>(
    '/tenant/:env/:tenant',
    {
      schema: { params, response: noContent },
      config: {
        errors: ['CONFLICT'],
        summary:
          "Delete a tenant with its links, schedules, job history, record ids, snapshots, job files and its folder under the environment's files root; its tokens stop working (409 while it has jobs running)",
      },
    },
    async (req, reply) => {
      await s.tenants.remove(req.params.env, req.params.tenant);
      return reply.status(204).send();
    },
  );
  app.get<{ Params: { env: string; tenant: string } }>(
    '/tenant/:env/:tenant/config',
    { schema: { params, response: { 200: tenantConfig } }, config: { summary: "The tenant's tenant-config.json" } },
    async (req) => s.tenants.getConfig(req.params.env, req.params.tenant),
  );
  app.put<{ Params: { env: string; tenant: string }; Body: Record<string, unknown> }>(
    '/tenant/:env/:tenant/config',
    {
      schema: { params, body: { type: 'object' }, response: { 200: tenantConfig } },
      config: { summary: "Replace the tenant's tenant-config.json" },
    },
    async (req) => s.tenants.putConfig(req.params.env, req.params.tenant, req.body),
  );
  app.post<{ Params: { env: string; tenant: string }; Body: { ttl_seconds?: number } | undefined }>(
    '/tenant/:env/:tenant/token',
    {
      schema: {
        params,
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: { ttl_seconds: { type: 'integer', minimum: 60, maximum: MAX_TENANT_TOKEN_TTL_SECONDS } },
        },
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['token', 'expires_in'],
            properties: {
              token: { type: 'string', description: 'A signed JWT, sub = the tenant' },
              expires_in: { type: 'integer', description: 'Seconds' },
            },
          },
        },
      },
      config: { summary: 'Issue a tenant token (for the public key); one hour unless ttl_seconds says otherwise (at most a day)' },
    },
    async (req) => {
      const ttl = req.body?.ttl_seconds ?? DEFAULT_TENANT_TOKEN_TTL_SECONDS;
      return { token: await issueTenantToken(s.store, s.box, req.params.env, req.params.tenant, ttl), expires_in: ttl };
    },
  );
  app.post<{ Params: { env: string; tenant: string } }>(
    '/tenant/:env/:tenant/token/revoke',
    {
      schema: { params, response: noContent },
      config: { summary: 'Revoke every token issued so far for the tenant (tokens issued later work)' },
    },
    async (req, reply) => {
      await revokeTenantTokens(s.store, req.params.env, req.params.tenant);
      return reply.status(204).send();
    },
  );
}

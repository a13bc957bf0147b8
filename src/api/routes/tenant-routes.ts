import type { FastifyInstance } from 'fastify';
import type { SinewServices } from '../../app/services.js';
import { signTenantToken } from '../../auth/tenant-token.js';
import { notFound } from '../../errors/sinew-error.js';

const params = { type: 'object', required: ['env', 'tenant'], properties: { env: { type: 'string' }, tenant: { type: 'string', minLength: 1, maxLength: 200 } } } as const;
const envOnly = { type: 'object', required: ['env'], properties: { env: { type: 'string' } } } as const;

/** Tenants, tenant-config.json, and tenant tokens for the embeddable widget. */
export function registerTenantRoutes(app: FastifyInstance, s: SinewServices): void {
  app.get<{ Params: { env: string } }>('/tenants/:env', { schema: { params: envOnly }, config: { summary: 'List tenants' } }, async (req) => s.tenants.list(req.params.env));
  app.delete<{ Params: { env: string; tenant: string } }>('/tenant/:env/:tenant', { schema: { params }, config: { summary: 'Delete a tenant and its links' } }, async (req, reply) => {
    await s.tenants.remove(req.params.env, req.params.tenant);
    return reply.status(204).send();
  });
  app.get<{ Params: { env: string; tenant: string } }>('/tenant/:env/:tenant/config', { schema: { params }, config: { summary: "The tenant's tenant-config.json" } }, async (req) =>
    s.tenants.getConfig(req.params.env, req.params.tenant),
  );
  app.put<{ Params: { env: string; tenant: string }; Body: Record<string, unknown> }>(
    '/tenant/:env/:tenant/config',
    { schema: { params, body: { type: 'object' } }, config: { summary: "Replace the tenant's tenant-config.json" } },
    async (req) => s.tenants.putConfig(req.params.env, req.params.tenant, req.body),
  );
  app.post<{ Params: { env: string; tenant: string }; Body: { ttl_seconds?: number } | undefined }>(
    '/tenant/:env/:tenant/token',
    {
      schema: { params, body: { type: ['object', 'null'], additionalProperties: false, properties: { ttl_seconds: { type: 'integer', minimum: 60, maximum: 2592000 } } } },
      config: { summary: 'Issue a tenant token (for the public key)' },
    },
    async (req) => {
      const env = await s.store.getEnvironment(req.params.env);
      if (!env) throw notFound('environment');
      const ttl = req.body?.ttl_seconds ?? 3600;
      return { token: await signTenantToken(s.box.decrypt(env.token_secret_encrypted), env.env_id, req.params.tenant, ttl), expires_in: ttl };
    },
  );
}

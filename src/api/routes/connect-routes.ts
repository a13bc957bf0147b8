import type { FastifyInstance } from 'fastify';
import { MAX_MAGIC_LINK_TTL_SECONDS, type MagicLinkInput, MagicLinkService } from '../../tenants/magic-link-service.js';
import type { SinewServices } from '../sinew-services.js';
import { envParams } from './route-params.js';

const id = { type: 'string', minLength: 1, maxLength: 200 } as const;
const nullableId = { type: ['string', 'null'] } as const;
const brand = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'logo_url', 'color'],
  properties: { name: nullableId, logo_url: nullableId, color: nullableId },
} as const;

/**
 * Magic links (issue #16): the owner's backend asks for a single-use, expiring URL to the hosted
 * connect page; the page exchanges it for a tenant session (the owner's key never reaches the browser).
 */
export function registerConnectRoutes(app: FastifyInstance, s: SinewServices): void {
  const links = new MagicLinkService(s.store, s.box);
  app.post<{ Params: { env: string }; Body: MagicLinkInput }>(
    '/:env/connect',
    {
      schema: {
        params: envParams,
        body: {
          type: 'object',
          required: ['tenant'],
          additionalProperties: false,
          properties: {
            tenant: id,
            flow_id: { ...id, description: 'Lock the page to this flow' },
            connector_id: { ...id, description: 'Lock the page to this connector of flow_id' },
            expires_in: {
              type: 'integer',
              minimum: 60,
              maximum: MAX_MAGIC_LINK_TTL_SECONDS,
              description: 'Seconds until the link expires (default 86400)',
            },
          },
        },
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['url', 'expires_at', 'tenant', 'flow_id', 'connector_id'],
            properties: {
              url: { type: 'string', description: 'Send it to the tenant; it works once' },
              expires_at: { type: 'string', format: 'date-time' },
              tenant: { type: 'string' },
              flow_id: nullableId,
              connector_id: nullableId,
            },
          },
        },
      },
      config: {
        summary: 'A magic link: a signed, single-use, expiring URL to the hosted connect page for one tenant',
        errors: ['CONNECTOR_NOT_SUPPORTED'],
      },
    },
    // The link points at Sinew as the owner's backend reached it.
    async (req) => links.create(req.params.env, `${req.protocol}://${req.host}`, req.body),
  );
  app.post<{ Body: { token: string } }>(
    '/connect/session',
    {
      schema: {
        body: {
          type: 'object',
          required: ['token'],
          additionalProperties: false,
          properties: { token: { type: 'string', minLength: 1, maxLength: 4000 } },
        },
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['env_id', 'tenant', 'public_key', 'token', 'expires_in', 'flow_id', 'connector_id', 'brand'],
            properties: {
              env_id: { type: 'string' },
              tenant: { type: 'string' },
              public_key: { type: 'string', description: "The connect page's public key (acts only with the tenant token)" },
              token: { type: 'string', description: 'A tenant token for the session' },
              expires_in: { type: 'integer' },
              flow_id: nullableId,
              connector_id: nullableId,
              brand,
            },
          },
        },
      },
      config: { summary: "The connect page's exchange: a magic link's token, once, for a tenant session" },
    },
    async (req, reply) => {
      void reply.header('cache-control', 'no-store');
      return links.exchange(req.body.token);
    },
  );
}

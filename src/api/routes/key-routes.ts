import type { FastifyInstance } from 'fastify';
import type { ApiKeyKind } from '../../model/environment.js';
import { noContent } from '../schemas/schema-parts.js';
import type { SinewServices } from '../sinew-services.js';
import { envParams } from './route-params.js';

const keyView = {
  type: 'object',
  required: ['key_id', 'kind', 'name', 'prefix', 'created_at'],
  properties: {
    key_id: { type: 'string', description: 'How the audit log and DELETE name the key (not the key)' },
    kind: { type: 'string', enum: ['environment', 'public'] },
    name: { type: ['string', 'null'] },
    prefix: { type: 'string', description: 'The first characters of the key' },
    created_at: { type: 'string', format: 'date-time' },
  },
} as const;

/** `GET/POST /{env}/keys`, `DELETE /{env}/keys/{key_id}`: the environment's API keys (owner only). */
export function registerKeyRoutes(app: FastifyInstance, s: SinewServices): void {
  app.get<{ Params: { env: string } }>(
    '/:env/keys',
    {
      schema: { params: envParams, response: { 200: { type: 'array', items: keyView } } },
      config: { summary: "The environment's API keys (never the keys themselves)" },
    },
    async (req) => s.keys.list(req.params.env),
  );
  app.post<{ Params: { env: string }; Body: { kind: ApiKeyKind; name?: string } }>(
    '/:env/keys',
    {
      schema: {
        params: envParams,
        body: {
          type: 'object',
          required: ['kind'],
          additionalProperties: false,
          properties: { kind: { type: 'string', enum: ['environment', 'public'] }, name: { type: 'string', minLength: 1, maxLength: 200 } },
        },
        response: {
          201: {
            ...keyView,
            required: [...keyView.required, 'key'],
            properties: { ...keyView.properties, key: { type: 'string', description: 'The key: shown this once' } },
          },
        },
      },
      config: { summary: 'Create an environment key (the backend) or a public key (the widget); the key is shown once' },
    },
    async (req, reply) => reply.status(201).send(await s.keys.create(req.params.env, req.body.kind, req.body.name ?? null)),
  );
  app.delete<{ Params: { env: string; key_id: string } }>(
    '/:env/keys/:key_id',
    {
      schema: {
        params: {
          type: 'object',
          required: ['env', 'key_id'],
          properties: { ...envParams.properties, key_id: { type: 'string', pattern: '^[0-9a-f]{16}$' } },
        },
        response: noContent,
      },
      config: { summary: 'Revoke a key at once (the last environment key cannot be revoked)', errors: ['CONFLICT'] },
    },
    async (req, reply) => {
      await s.keys.revoke(req.params.env, req.params.key_id);
      return reply.status(204).send();
    },
  );
}

import type { FastifyInstance } from 'fastify';
import { AUDIT_RESOURCES, type AuditResource } from '../../model/audit-entry.js';
import type { SinewServices } from '../sinew-services.js';
import { envParams } from './route-params.js';

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    tenant_id: { type: 'string', minLength: 1, maxLength: 200 },
    resource: { type: 'string', enum: AUDIT_RESOURCES },
    since: { type: 'string', format: 'date-time' },
    limit: { type: 'integer', minimum: 1, maximum: 500 },
    before: { type: 'string', minLength: 1, maxLength: 200 },
  },
} as const;

const text = { type: 'string' } as const;
/** One entry (src/model/audit-entry.ts), for /openapi.json. */
const auditEntrySchema = {
  type: 'object',
  required: [
    'audit_id',
    'env_id',
    'at',
    'actor',
    'actor_kind',
    'key_id',
    'ip',
    'method',
    'route',
    'resource',
    'ids',
    'tenant',
    'fields',
    'status_code',
    'error_code',
  ],
  properties: {
    audit_id: text,
    env_id: text,
    at: { type: 'string', format: 'date-time' },
    actor: { type: 'string', description: 'The key id (environment key) or `tenant:<id>` (tenant token)' },
    actor_kind: { type: 'string', enum: ['environment', 'tenant'] },
    key_id: { type: 'string', description: 'The first 16 hex characters of the SHA-256 of the API key used' },
    ip: { type: 'string', description: 'The address the request came from' },
    method: text,
    route: { type: 'string', description: 'The route pattern, e.g. `PUT /{env}/flows/{flow}`' },
    resource: { type: 'string', enum: AUDIT_RESOURCES },
    ids: { type: 'object', additionalProperties: text, description: 'Path parameters other than the environment' },
    tenant: { type: 'string', nullable: true },
    fields: { type: 'array', items: text, description: 'Top-level field names of the body, never their values' },
    status_code: { type: 'integer' },
    error_code: { type: 'string', nullable: true },
  },
} as const;

type ListQuery = { tenant_id?: string; resource?: AuditResource; since?: string; limit?: number; before?: string };

/** The audit log, newest first, paged like the other lists (`limit`, `before` = the last id seen). Environment key only. */
export function registerAuditRoutes(app: FastifyInstance, s: SinewServices): void {
  app.get<{ Params: { env: string }; Querystring: ListQuery }>(
    '/:env/audit',
    {
      schema: { params: envParams, querystring: listQuery, response: { 200: { type: 'array', items: auditEntrySchema } } },
      config: { summary: 'Who changed what, when and from where (changes and refused attempts), newest first' },
    },
    async (req) =>
      s.audit.list({
        env_id: req.params.env,
        tenant: req.query.tenant_id,
        resource: req.query.resource,
        since_ms: req.query.since === undefined ? undefined : Date.parse(req.query.since),
        before_audit_id: req.query.before,
        limit: req.query.limit ?? 50,
      }),
  );
}

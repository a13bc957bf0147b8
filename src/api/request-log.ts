import type { FastifyReply, FastifyRequest } from 'fastify';

// Probes and scrapes come every few seconds from the platform, not from users: debug only.
const QUIET_ROUTES = new Set(['/health', '/ready', '/metrics']);

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * One line per request, when it has been answered: method, route pattern, status, duration, and
 * the environment, flow, tenant and job it concerned where the path or the caller's key says so.
 * Built field by field, never from the raw request: no headers (API keys, tenant tokens), no body
 * (link credentials), no query string (`?token=`); the path only when no route matched.
 */
export async function logRequest(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const route = request.routeOptions.url;
  const params = (request.params ?? {}) as Record<string, unknown>;
  const query = (request.query ?? {}) as Record<string, unknown>;
  const principal = request.principal;
  const fields: Record<string, unknown> = {
    method: request.method,
    route: route ?? null,
    status_code: reply.statusCode,
    duration_ms: Math.round(reply.elapsedTime * 10) / 10,
  };
  if (route === undefined) fields.path = request.url.split('?')[0];
  const ids = {
    env_id: text(params.env) ?? principal?.env_id,
    flow_id: text(params.flow),
    tenant: text(params.tenant) ?? (principal?.kind === 'tenant' ? principal.tenant : undefined) ?? text(query.tenant_id),
    job_id: text(params.job_id),
  };
  for (const [k, v] of Object.entries(ids)) if (v !== undefined) fields[k] = v;
  if (principal) fields.auth = principal.kind;
  if (reply.statusCode >= 500) request.log.error(fields, 'request completed');
  else if (route !== undefined && QUIET_ROUTES.has(route)) request.log.debug(fields, 'request completed');
  else request.log.info(fields, 'request completed');
}

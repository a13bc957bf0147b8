import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuditLog, AuditRecord } from '../audit/audit-log.js';
import { permissionOf, routeKey } from '../auth/route-permissions.js';
import { AUDITED_CHANGES, type AuditActorKind } from '../model/audit-entry.js';

// Bounds on what one entry holds of a request (ids and names come from the caller).
const MAX_FIELDS = 50;
const MAX_TEXT = 200;

const clip = (v: string): string => (v.length > MAX_TEXT ? v.slice(0, MAX_TEXT) : v);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? clip(v) : undefined);

/** Top-level names of a JSON object body — never a value (link configs, settings secrets). */
function fieldNames(body: unknown): string[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return [];
  return Object.keys(body).slice(0, MAX_FIELDS).map(clip);
}

/** The catalogue code of an error answer (the body is `{ error: { code } }`), null otherwise. */
function errorCodeOf(statusCode: number, payload: unknown): string | null {
  if (statusCode < 400 || typeof payload !== 'string') return null;
  try {
    const code = (JSON.parse(payload) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'string' ? code : null;
  } catch {
    return null;
  }
}

/**
 * Who made the request, as far as it can be told: the authenticated caller, or for a refused one
 * what authentication established. A request whose key is unknown, or a public key without a
 * validly signed token, names no one: anybody can send those (the public key is in the widget),
 * so they would let strangers fill an owner's log; the request log has them.
 */
function actorOf(request: FastifyRequest): { env_id: string; key_id: string; kind: AuditActorKind; tenant?: string } | undefined {
  const p = request.principal;
  if (p)
    return p.kind === 'tenant'
      ? { env_id: p.env_id, key_id: p.key_id, kind: 'tenant', tenant: p.tenant }
      : { env_id: p.env_id, key_id: p.key_id, kind: 'environment' };
  // Authenticated but refused (403, or a 404 in another environment), or a signed token refused (401).
  const t = request.authTrace;
  if (!t?.env_id || !t.key_id) return undefined;
  if (t.key_kind === 'environment') return { env_id: t.env_id, key_id: t.key_id, kind: 'environment' };
  if (t.tenant) return { env_id: t.env_id, key_id: t.key_id, kind: 'tenant', tenant: t.tenant };
  return undefined;
}

/** The entry for this request, or undefined when it is not one the audit log keeps. */
export function auditRecordOf(request: FastifyRequest, statusCode: number, payload: unknown, now: Date): AuditRecord | undefined {
  const url = request.routeOptions.url;
  if (url === undefined) return undefined; // no route: a 404 of the router, nothing was touched
  const resource = permissionOf(request.method, url).resource;
  if (resource === undefined) return undefined;
  const refused = statusCode === 401 || statusCode === 403;
  const change = request.method !== 'GET' && request.method !== 'HEAD' && AUDITED_CHANGES.has(resource);
  if (!refused && !change) return undefined;
  const actor = actorOf(request);
  if (!actor) return undefined;
  const params = (request.params ?? {}) as Record<string, unknown>;
  const query = (request.query ?? {}) as Record<string, unknown>;
  const ids: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    // `env` is the entry's own environment; another one (a 404 across environments) is kept.
    const v = text(value);
    if (v !== undefined && !(name === 'env' && v === actor.env_id)) ids[name] = v;
  }
  return {
    env_id: actor.env_id,
    at: now.toISOString(),
    actor: actor.kind === 'tenant' ? `tenant:${clip(actor.tenant ?? '')}` : actor.key_id,
    actor_kind: actor.kind,
    key_id: actor.key_id,
    ip: request.ip,
    method: request.method,
    route: routeKey(request.method, url),
    resource,
    ids,
    tenant: text(params.tenant) ?? text(query.tenant_id) ?? (actor.tenant === undefined ? null : clip(actor.tenant)),
    fields: fieldNames(request.body),
    status_code: statusCode,
    error_code: errorCodeOf(statusCode, payload),
  };
}

/**
 * The one place changes are recorded (onSend: the answer is decided, not yet sent, so a client
 * that reads `GET /{env}/audit` after its answer finds its entry). Which requests count is the
 * route table's `resource`: every change to the audited resources, and every refused attempt
 * (401, 403). A failure to record is logged and the answer still goes: the change has been made
 * and committed, and answering with an error would tell the caller it had not.
 */
export function auditHook(audit: AuditLog) {
  return async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    const record = auditRecordOf(request, reply.statusCode, payload, new Date());
    if (!record) return payload;
    try {
      await audit.record(record);
    } catch (err) {
      request.log.error({ err, route: record.route, env_id: record.env_id }, 'the audit log could not record a request');
    }
    return payload;
  };
}

import type { FastifyRequest } from 'fastify';
import { type Authenticator, authorize } from '../auth/authenticator.js';
import type { AuthTrace, Principal } from '../auth/principal.js';
import { forbiddenFieldsIn, permissionOf } from '../auth/route-permissions.js';
import { SinewError } from '../errors/sinew-error.js';
import { checkTenantId } from '../tenants/tenant-id.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    /** What authentication established before it refused, for the audit log (src/api/audit-hook.ts). */
    authTrace?: AuthTrace;
  }
  interface FastifyContextConfig {
    summary?: string;
  }
}

/** The fields a flow lets its tenants send although they are owner-only (the flow's `tenant_overrides`). */
export type TenantOverridesLookup = (envId: string, flowId: string) => Promise<readonly string[]>;

function tenantToken(request: FastifyRequest): string | undefined {
  const query = request.query as Record<string, unknown> | undefined;
  if (typeof query?.token === 'string') return query.token;
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7) : undefined;
}

/**
 * Authenticates every request whose route (in ROUTE_PERMISSIONS) asks for it, checks the tenant id
 * it names, and that the caller may act on the env/tenant in its path.
 */
export function authHook(auth: Authenticator) {
  return async (request: FastifyRequest): Promise<void> => {
    if (request.is404) return;
    const permission = permissionOf(request.method, request.routeOptions.url ?? '');
    if (permission.caller === 'anyone') return;
    const apiKey = request.headers['x-api-key'];
    request.authTrace = {};
    const principal = await auth.authenticate(typeof apiKey === 'string' ? apiKey : undefined, tenantToken(request), request.authTrace);
    const params = (request.params ?? {}) as Record<string, string | undefined>;
    const query = (request.query ?? {}) as Record<string, unknown>;
    const tenant = params.tenant ?? (typeof query.tenant_id === 'string' ? query.tenant_id : undefined);
    // Checked once here for every route: a tenant id becomes part of storage keys and paths.
    if (tenant !== undefined) checkTenantId(tenant);
    authorize(principal, params.env ?? principal.env_id, tenant, permission.caller === 'owner');
    request.principal = principal;
  };
}

/**
 * Refuses owner-only body fields sent by a tenant (403 FORBIDDEN_FIELD naming them), before the
 * body is validated: what a tenant may not send is refused whatever its value.
 */
export function ownerOnlyFieldsHook(tenantOverrides: TenantOverridesLookup) {
  return async (request: FastifyRequest): Promise<void> => {
    if (request.principal?.kind !== 'tenant') return;
    const permission = permissionOf(request.method, request.routeOptions.url ?? '');
    if (forbiddenFieldsIn(permission, request.body, []).length === 0) return;
    const params = (request.params ?? {}) as Record<string, string | undefined>;
    const allowed = params.flow ? await tenantOverrides(request.principal.env_id, params.flow) : [];
    const fields = forbiddenFieldsIn(permission, request.body, allowed);
    if (fields.length > 0) {
      throw new SinewError('FORBIDDEN_FIELD', `a tenant may not send ${fields.join(', ')}: only the environment key may`, { fields });
    }
  };
}

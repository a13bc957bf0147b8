import type { FastifyRequest } from 'fastify';
import { authorize, type Authenticator } from '../auth/authenticator.js';
import type { Principal } from '../auth/principal.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** `none`: open; `owner`: environment key only; `tenant`: environment key, or public key + tenant token. */
    auth?: 'none' | 'owner' | 'tenant';
    summary?: string;
  }
}

function tenantToken(request: FastifyRequest): string | undefined {
  const query = request.query as Record<string, unknown> | undefined;
  if (typeof query?.token === 'string') return query.token;
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7) : undefined;
}

/** Authenticates every request whose route asks for it, and checks it may act on the env/tenant in its path. */
export function authHook(auth: Authenticator) {
  return async (request: FastifyRequest): Promise<void> => {
    if (request.is404) return;
    const mode = request.routeOptions.config.auth ?? 'owner';
    if (mode === 'none') return;
    const apiKey = request.headers['x-api-key'];
    const principal = await auth.authenticate(typeof apiKey === 'string' ? apiKey : undefined, tenantToken(request));
    const params = (request.params ?? {}) as Record<string, string | undefined>;
    const query = (request.query ?? {}) as Record<string, unknown>;
    const tenant = params.tenant ?? (typeof query.tenant_id === 'string' ? query.tenant_id : undefined);
    authorize(principal, params.env ?? principal.env_id, tenant, mode === 'owner');
    request.principal = principal;
  };
}

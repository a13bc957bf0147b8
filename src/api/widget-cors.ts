import type { FastifyReply, FastifyRequest } from 'fastify';
import { SinewError } from '../errors/sinew-error.js';
import { widgetSettings } from '../settings/widget-settings.js';

/** The environment's allowed widget origins (`widget.allowed_origins`), looked up per request. */
export type AllowedOriginsLookup = (envId: string) => Promise<readonly string[]>;

const ALLOWED_HEADERS = 'authorization, content-type, x-api-key';
const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE';
/** Path segments that come before the environment id in some routes (`/v2/{env}`, `/tenant/{env}`, `/tenants/{env}`). */
const PREFIXES = new Set(['v2', 'tenant', 'tenants']);

/** Which environment a URL names: the first segment, or the second after a prefix. */
export function environmentOfPath(url: string): string | undefined {
  const segments = (url.split('?')[0] ?? '').split('/').filter((s) => s !== '');
  const env = PREFIXES.has(segments[0] ?? '') ? segments[1] : segments[0];
  try {
    return env === undefined ? undefined : decodeURIComponent(env);
  } catch {
    return undefined;
  }
}

/** Every environment's settings may be read by lookup; an unknown environment allows nothing. */
export function allowedOriginsFrom(getSettings: (envId: string) => Promise<Record<string, unknown> | undefined>): AllowedOriginsLookup {
  return async (envId) => widgetSettings((await getSettings(envId)) ?? {}).allowed_origins;
}

async function allowedOrigin(request: FastifyRequest, lookup: AllowedOriginsLookup): Promise<string | undefined> {
  const origin = request.headers.origin;
  if (typeof origin !== 'string' || origin === 'null') return undefined;
  const env = environmentOfPath(request.url);
  if (env === undefined) return undefined;
  const allowed = await lookup(env);
  return allowed.includes(origin.toLowerCase()) ? origin : undefined;
}

/**
 * CORS for the embedded widget (docs/widget.md): a page on another origin may call the API only when
 * the environment in the path lists that origin in `widget.allowed_origins`; by default no other
 * origin may (the browser's same-origin rule). A preflight is answered here, before authentication
 * (browsers send it without credentials); a refused one is a 403 without CORS headers, which the
 * browser turns into a failed call. Credentials are headers, never cookies: no Allow-Credentials.
 */
export function widgetCorsHooks(lookup: AllowedOriginsLookup) {
  return {
    async onRequest(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
      if (request.method !== 'OPTIONS' || request.headers['access-control-request-method'] === undefined) return undefined;
      const origin = await allowedOrigin(request, lookup);
      void reply.header('vary', 'Origin');
      if (origin === undefined) {
        return reply
          .status(403)
          .send(
            new SinewError(
              'FORBIDDEN',
              'this origin may not call the API: the owner lists widget origins in the environment settings (widget.allowed_origins)',
            ).toBody(),
          );
      }
      return reply
        .status(204)
        .header('access-control-allow-origin', origin)
        .header('access-control-allow-methods', ALLOWED_METHODS)
        .header('access-control-allow-headers', ALLOWED_HEADERS)
        .header('access-control-max-age', '600')
        .send();
    },
    async onSend(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
      if (request.method === 'OPTIONS' || request.headers.origin === undefined) return payload;
      void reply.header('vary', 'Origin');
      const origin = await allowedOrigin(request, lookup).catch(() => undefined);
      if (origin !== undefined) void reply.header('access-control-allow-origin', origin);
      return payload;
    },
  };
}

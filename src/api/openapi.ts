import type { RouteOptions } from 'fastify';
import { ERROR_CATALOGUE } from '../errors/catalogue.js';
import { permissionOf } from '../auth/route-permissions.js';

interface CollectedRoute {
  method: string;
  url: string;
  summary: string;
  schema: Record<string, unknown>;
  auth: string;
}

/** Collects every route as it is registered, so /openapi.json describes exactly what is served. */
export class OpenApiCollector {
  private readonly routes: CollectedRoute[] = [];

  onRoute = (route: RouteOptions): void => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const config = (route.config ?? {}) as { summary?: string };
    for (const method of methods) {
      if (method === 'HEAD') continue;
      this.routes.push({ method: method.toLowerCase(), url: route.url, summary: config.summary ?? '', schema: (route.schema ?? {}) as Record<string, unknown>, auth: permissionOf(method, route.url).caller });
    }
  };

  document(version: string): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const r of this.routes) {
      const path = r.url.replace(/:([A-Za-z_]+)/g, '{$1}');
      const params = [...r.url.matchAll(/:([A-Za-z_]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
      const query = r.schema.querystring as { properties?: Record<string, unknown>; required?: string[] } | undefined;
      for (const [name, schema] of Object.entries(query?.properties ?? {})) {
        params.push({ name, in: 'query', required: query?.required?.includes(name) ?? false, schema: schema as { type: string } });
      }
      paths[path] ??= {};
      paths[path][r.method] = {
        summary: r.summary,
        parameters: params,
        ...(r.schema.body ? { requestBody: { required: true, content: { 'application/json': { schema: r.schema.body } } } } : {}),
        security: r.auth === 'anyone' ? [] : r.auth === 'tenant' ? [{ apiKey: [] }, { apiKey: [], tenantToken: [] }] : [{ apiKey: [] }],
        responses: {
          '200': { description: 'OK', ...okContent(r.schema) },
          default: { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        },
      };
    }
    return {
      openapi: '3.0.3',
      info: { title: 'Sinew API', version, description: 'Embedded integration platform (hotglue-compatible paths where one exists).' },
      paths,
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
          tenantToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        },
        schemas: {
          Error: {
            type: 'object',
            required: ['error'],
            properties: {
              error: {
                type: 'object',
                required: ['code', 'message', 'details'],
                properties: { code: { type: 'string', enum: Object.keys(ERROR_CATALOGUE) }, message: { type: 'string' }, details: { type: 'object' } },
              },
            },
          },
        },
      },
    };
  }
}

/** The 200 answer's schema, where the route declares one. */
function okContent(schema: Record<string, unknown>): { content?: Record<string, unknown> } {
  const ok = (schema.response as Record<string, unknown> | undefined)?.['200'];
  return ok ? { content: { 'application/json': { schema: ok } } } : {};
}

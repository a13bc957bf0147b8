import { OWNER_ONLY_JOB_FIELDS } from '../model/tenant-overrides.js';

/**
 * Who may call a route: `anyone` (no key), `owner` (the environment key only) or `tenant` (the
 * environment key, or the public key with a token of the tenant in the path).
 */
export type RouteCaller = 'anyone' | 'owner' | 'tenant';

export interface RoutePermission {
  caller: RouteCaller;
  /**
   * Body fields only the owner may send. A tenant sending one gets 403 FORBIDDEN_FIELD, unless the
   * flow lists the field in `tenant_overrides`.
   */
  ownerOnlyFields?: readonly string[];
}

const anyone: RoutePermission = { caller: 'anyone' };
const owner: RoutePermission = { caller: 'owner' };
const tenant: RoutePermission = { caller: 'tenant' };
/** Creating a job or setting a schedule: the tenant's own, but never the owner's configs or webhook. */
const tenantJob: RoutePermission = { caller: 'tenant', ownerOnlyFields: OWNER_ONLY_JOB_FIELDS };

/**
 * THE table of the trust boundary (docs/security.md): every route the API serves, keyed
 * `METHOD /path/{param}` as /openapi.json names it. The auth hook reads nothing else; a route
 * missing here is served to the owner only, and test/security/route-table.test.ts fails.
 */
export const ROUTE_PERMISSIONS: Readonly<Record<string, RoutePermission>> = {
  'GET /health': anyone,
  'GET /ready': anyone,
  'GET /metrics': anyone, // its own bearer token when SINEW_METRICS_TOKEN is set
  'GET /openapi.json': anyone,

  // Jobs (v1 and v2): a tenant runs, reads and cancels its own; logs may hold connector output.
  'POST /{env}/{flow}/{tenant}/jobs': tenantJob,
  'GET /{env}/{flow}/{tenant}/jobs': tenant,
  'GET /{env}/{flow}/{tenant}/jobs/status': tenant,
  'GET /{env}/{flow}/{tenant}/jobs/{job_id}': tenant,
  'POST /{env}/{flow}/{tenant}/jobs/{job_id}/cancel': tenant,
  'GET /{env}/{flow}/{tenant}/jobs/{job_id}/logs': owner,
  'GET /{env}/{flow}/{tenant}/jobs/{job_id}/export': tenant,
  'POST /v2/{env}/{flow}/{tenant}/jobs': tenantJob,
  'GET /v2/{env}/{flow}/{tenant}/jobs': tenant,
  'GET /v2/{env}/{flow}/{tenant}/jobs/status': tenant,
  'GET /v2/{env}/{flow}/{tenant}/jobs/{job_id}': tenant,
  'POST /v2/{env}/{flow}/{tenant}/jobs/{job_id}/cancel': tenant,
  'GET /v2/{env}/{flow}/{tenant}/jobs/{job_id}/logs': owner,
  'GET /v2/{env}/{flow}/{tenant}/jobs/{job_id}/export': tenant,

  // Schedules: a tenant sets its own links' schedules, with the same owner-only fields as jobs.
  'PUT /{env}/{flow}/{tenant}/jobs/schedule': tenantJob,
  'GET /{env}/{flow}/{tenant}/jobs/schedule': tenant,
  'DELETE /{env}/{flow}/{tenant}/jobs/schedule': tenant,
  'PUT /v2/{env}/{flow}/{tenant}/jobs/schedule': tenantJob,
  'GET /v2/{env}/{flow}/{tenant}/jobs/schedule': tenant,
  'DELETE /v2/{env}/{flow}/{tenant}/jobs/schedule': tenant,

  // Links: a tenant links, relinks and unlinks its own, within the flow's connectors (LinkService).
  // Incremental state is the owner's: setting it could skip or replay a tenant's records.
  'GET /{env}/{flow}/{tenant}/linkedSources': tenant,
  'POST /{env}/{flow}/{tenant}/linkedSources': tenant,
  'DELETE /{env}/{flow}/{tenant}/linkedSources': tenant,
  'GET /{env}/{flow}/{tenant}/linkedSources/state': owner,
  'PUT /{env}/{flow}/{tenant}/linkedSources/state': owner,
  'DELETE /{env}/{flow}/{tenant}/linkedSources/state': owner,
  'GET /{env}/{flow}/{tenant}/linkedTargets': tenant,
  'POST /{env}/{flow}/{tenant}/linkedTargets': tenant,
  'DELETE /{env}/{flow}/{tenant}/linkedTargets': tenant,
  'GET /{env}/{flow}/{tenant}/linkedTargets/state': owner,
  'PUT /{env}/{flow}/{tenant}/linkedTargets/state': owner,
  'DELETE /{env}/{flow}/{tenant}/linkedTargets/state': owner,
  'GET /v2/{env}/{flow}/{tenant}/linkedConnectors': tenant,
  'POST /v2/{env}/{flow}/{tenant}/linkedConnectors': tenant,
  'PATCH /v2/{env}/{flow}/{tenant}/linkedConnectors': tenant,
  'DELETE /v2/{env}/{flow}/{tenant}/linkedConnectors': tenant,
  'POST /v2/{env}/{flow}/{tenant}/linkedConnectors/discover': tenant,
  'GET /v2/{env}/{flow}/{tenant}/linkedConnectors/discover/poll': tenant,
  'GET /v2/{env}/{flow}/{tenant}/linkedConnectors/state': owner,
  'PUT /v2/{env}/{flow}/{tenant}/linkedConnectors/state': owner,
  'DELETE /v2/{env}/{flow}/{tenant}/linkedConnectors/state': owner,

  // Real-time writes into the tenant's system, and their status.
  'GET /{env}/{flow}/{tenant}/connectors/status': tenant,
  'POST /{env}/{flow}/{tenant}/connectors/{connector_id}/{stream}': tenant,
  'GET /v2/{env}/{flow}/{tenant}/connectors/status': tenant,
  'POST /v2/{env}/{flow}/{tenant}/connectors/{connector_id}/{stream}': tenant,

  // Flows: the widget lists what may be linked and where the tenant has links; the rest is the owner's.
  'GET /{env}/flows': owner,
  'POST /{env}/flows': owner,
  'GET /{env}/flows/supported': tenant,
  'GET /{env}/flows/linked': tenant,
  'GET /{env}/flows/{flow}': owner,
  'PUT /{env}/flows/{flow}': owner,
  'DELETE /{env}/flows/{flow}': owner,

  // Owner resources: connector definitions, tenants, snapshots, settings, events.
  'GET /{env}/connectors': owner,
  'GET /{env}/connectors/{id}': owner,
  'PUT /{env}/connectors/{id}': owner,
  'DELETE /{env}/connectors/{id}': owner,
  'GET /tenants/{env}': owner,
  'DELETE /tenant/{env}/{tenant}': owner,
  'GET /tenant/{env}/{tenant}/config': owner,
  'PUT /tenant/{env}/{tenant}/config': owner,
  'POST /tenant/{env}/{tenant}/token': owner,
  'POST /tenant/{env}/{tenant}/token/revoke': owner,
  'GET /tenant/{env}/{tenant}/snapshots': owner,
  'GET /tenant/{env}/{tenant}/snapshots/{name}': owner,
  'PUT /tenant/{env}/{tenant}/snapshots/{name}': owner,
  'DELETE /tenant/{env}/{tenant}/snapshots/{name}': owner,
  'GET /{env}/settings': owner,
  'PUT /{env}/settings': owner,
  'GET /{env}/events': owner,
  'GET /{env}/events/{event_id}': owner,
  'POST /{env}/events/{event_id}/redeliver': owner,
};

/** `POST /v2/{env}/…` from a Fastify method and route pattern (`/v2/:env/…`). HEAD is its GET. */
export function routeKey(method: string, url: string): string {
  const m = method.toUpperCase();
  return `${m === 'HEAD' ? 'GET' : m} ${url.replace(/:([A-Za-z_]+)/g, '{$1}')}`;
}

/** The route's entry; a route the table forgets is the owner's only (closed, not open). */
export function permissionOf(method: string, url: string): RoutePermission {
  return ROUTE_PERMISSIONS[routeKey(method, url)] ?? owner;
}

/** The owner-only fields present in a tenant's body that the flow does not let tenants send. */
export function forbiddenFieldsIn(permission: RoutePermission, body: unknown, allowedByFlow: readonly string[]): string[] {
  if (!permission.ownerOnlyFields || typeof body !== 'object' || body === null || Array.isArray(body)) return [];
  return permission.ownerOnlyFields.filter((f) => Object.hasOwn(body, f) && !allowedByFlow.includes(f));
}

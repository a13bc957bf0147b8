import type { AuditResource } from '../model/audit-entry.js';
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
  /**
   * What the route acts on, for the audit log (src/api/audit-hook.ts): changes to the resources
   * of AUDITED_CHANGES are recorded, and refused attempts on any route. Only `anyone` routes have none.
   */
  resource?: AuditResource;
}

const anyone: RoutePermission = { caller: 'anyone' };
const owner = (resource: AuditResource): RoutePermission => ({ caller: 'owner', resource });
const tenant = (resource: AuditResource): RoutePermission => ({ caller: 'tenant', resource });
/** Creating a job or setting a schedule: the tenant's own, but never the owner's configs or webhook. */
const tenantJob = (resource: AuditResource): RoutePermission => ({ caller: 'tenant', ownerOnlyFields: OWNER_ONLY_JOB_FIELDS, resource });

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
  // The interactive docs page and its assets: public, like the document they show.
  'GET /docs': anyone,
  'GET /docs/': anyone,
  'GET /docs/docs-init.js': anyone,
  'GET /docs/swagger-ui.css': anyone,
  'GET /docs/swagger-ui-bundle.js': anyone,
  // The dashboard's page and script: public, holding nothing; the key is asked for by the page.
  'GET /': anyone,
  'GET /dashboard.js': anyone,

  // Jobs (v1 and v2): a tenant runs, reads and cancels its own; logs may hold connector output.
  'GET /{env}/jobs': owner('jobs'),
  'GET /{env}/jobs/overview': owner('jobs'),
  'POST /{env}/{flow}/{tenant}/jobs': tenantJob('jobs'),
  'GET /{env}/{flow}/{tenant}/jobs': tenant('jobs'),
  'GET /{env}/{flow}/{tenant}/jobs/status': tenant('jobs'),
  'GET /{env}/{flow}/{tenant}/jobs/{job_id}': tenant('jobs'),
  'POST /{env}/{flow}/{tenant}/jobs/{job_id}/cancel': tenant('jobs'),
  'GET /{env}/{flow}/{tenant}/jobs/{job_id}/logs': owner('jobs'),
  'GET /{env}/{flow}/{tenant}/jobs/{job_id}/export': tenant('jobs'),
  'POST /v2/{env}/{flow}/{tenant}/jobs': tenantJob('jobs'),
  'GET /v2/{env}/{flow}/{tenant}/jobs': tenant('jobs'),
  'GET /v2/{env}/{flow}/{tenant}/jobs/status': tenant('jobs'),
  'GET /v2/{env}/{flow}/{tenant}/jobs/{job_id}': tenant('jobs'),
  'POST /v2/{env}/{flow}/{tenant}/jobs/{job_id}/cancel': tenant('jobs'),
  'GET /v2/{env}/{flow}/{tenant}/jobs/{job_id}/logs': owner('jobs'),
  'GET /v2/{env}/{flow}/{tenant}/jobs/{job_id}/export': tenant('jobs'),

  // Schedules: a tenant sets its own links' schedules, with the same owner-only fields as jobs.
  'PUT /{env}/{flow}/{tenant}/jobs/schedule': tenantJob('schedules'),
  'PATCH /{env}/{flow}/{tenant}/jobs/schedule': tenantJob('schedules'),
  'GET /{env}/{flow}/{tenant}/jobs/schedule': tenant('schedules'),
  'DELETE /{env}/{flow}/{tenant}/jobs/schedule': tenant('schedules'),
  'PUT /v2/{env}/{flow}/{tenant}/jobs/schedule': tenantJob('schedules'),
  'PATCH /v2/{env}/{flow}/{tenant}/jobs/schedule': tenantJob('schedules'),
  'GET /v2/{env}/{flow}/{tenant}/jobs/schedule': tenant('schedules'),
  'DELETE /v2/{env}/{flow}/{tenant}/jobs/schedule': tenant('schedules'),

  // Links: a tenant links, relinks, unlinks and re-checks its own, within the flow's connectors (LinkService).
  // Incremental state is the owner's: setting it could skip or replay a tenant's records.
  'GET /{env}/{flow}/{tenant}/linkedSources': tenant('links'),
  'POST /{env}/{flow}/{tenant}/linkedSources': tenant('links'),
  'DELETE /{env}/{flow}/{tenant}/linkedSources': tenant('links'),
  'POST /{env}/{flow}/{tenant}/linkedSources/check': tenant('links'),
  'GET /{env}/{flow}/{tenant}/linkedSources/state': owner('links'),
  'PUT /{env}/{flow}/{tenant}/linkedSources/state': owner('links'),
  'DELETE /{env}/{flow}/{tenant}/linkedSources/state': owner('links'),
  'GET /{env}/{flow}/{tenant}/linkedTargets': tenant('links'),
  'POST /{env}/{flow}/{tenant}/linkedTargets': tenant('links'),
  'DELETE /{env}/{flow}/{tenant}/linkedTargets': tenant('links'),
  'POST /{env}/{flow}/{tenant}/linkedTargets/check': tenant('links'),
  'GET /{env}/{flow}/{tenant}/linkedTargets/state': owner('links'),
  'PUT /{env}/{flow}/{tenant}/linkedTargets/state': owner('links'),
  'DELETE /{env}/{flow}/{tenant}/linkedTargets/state': owner('links'),
  'GET /v2/{env}/{flow}/{tenant}/linkedConnectors': tenant('links'),
  'POST /v2/{env}/{flow}/{tenant}/linkedConnectors': tenant('links'),
  'PATCH /v2/{env}/{flow}/{tenant}/linkedConnectors': tenant('links'),
  'DELETE /v2/{env}/{flow}/{tenant}/linkedConnectors': tenant('links'),
  'POST /v2/{env}/{flow}/{tenant}/linkedConnectors/check': tenant('links'),
  'POST /v2/{env}/{flow}/{tenant}/linkedConnectors/discover': tenant('links'),
  'GET /v2/{env}/{flow}/{tenant}/linkedConnectors/discover/poll': tenant('links'),
  'GET /v2/{env}/{flow}/{tenant}/linkedConnectors/state': owner('links'),
  'PUT /v2/{env}/{flow}/{tenant}/linkedConnectors/state': owner('links'),
  'DELETE /v2/{env}/{flow}/{tenant}/linkedConnectors/state': owner('links'),

  // Real-time writes into the tenant's system, and their status.
  'GET /{env}/{flow}/{tenant}/connectors/status': tenant('writes'),
  'POST /{env}/{flow}/{tenant}/connectors/{connector_id}/{stream}': tenant('writes'),
  'GET /v2/{env}/{flow}/{tenant}/connectors/status': tenant('writes'),
  'POST /v2/{env}/{flow}/{tenant}/connectors/{connector_id}/{stream}': tenant('writes'),

  // Flows: the widget lists what may be linked and where the tenant has links; the rest is the owner's.
  'GET /{env}/flows': owner('flows'),
  'POST /{env}/flows': owner('flows'),
  'GET /{env}/flows/supported': tenant('flows'),
  'GET /{env}/flows/linked': tenant('flows'),
  'GET /{env}/flows/{flow}': owner('flows'),
  'PUT /{env}/flows/{flow}': owner('flows'),
  'DELETE /{env}/flows/{flow}': owner('flows'),

  // Owner resources: connector definitions, tenants and their tokens, snapshots, settings, events.
  'GET /{env}/connectors': owner('connectors'),
  'GET /{env}/connectors/catalogue': owner('connectors'),
  'POST /{env}/connectors/{id}/install': owner('connectors'),
  'GET /{env}/connectors/{id}': owner('connectors'),
  'PUT /{env}/connectors/{id}': owner('connectors'),
  'DELETE /{env}/connectors/{id}': owner('connectors'),
  // OAuth (issue #15): the OAuth app's client secret is the owner's; a tenant starts its own
  // authorization, and the callback is authenticated by the signed, single-use state it carries.
  'GET /{env}/connectors/{id}/oauth-app': owner('connectors'),
  'PUT /{env}/connectors/{id}/oauth-app': owner('connectors'),
  'DELETE /{env}/connectors/{id}/oauth-app': owner('connectors'),
  'POST /{env}/{flow}/{tenant}/oauth/{connector_id}/start': tenant('links'),
  'GET /oauth/callback': anyone,
  'GET /tenants/{env}': owner('tenants'),
  'DELETE /tenant/{env}/{tenant}': owner('tenants'),
  'GET /tenant/{env}/{tenant}/config': owner('tenants'),
  'PUT /tenant/{env}/{tenant}/config': owner('tenants'),
  'POST /tenant/{env}/{tenant}/token': owner('tokens'),
  'POST /tenant/{env}/{tenant}/token/revoke': owner('tokens'),
  'GET /tenant/{env}/{tenant}/snapshots': owner('snapshots'),
  'GET /tenant/{env}/{tenant}/snapshots/{name}': owner('snapshots'),
  'PUT /tenant/{env}/{tenant}/snapshots/{name}': owner('snapshots'),
  'DELETE /tenant/{env}/{tenant}/snapshots/{name}': owner('snapshots'),
  'GET /{env}/keys': owner('keys'),
  'POST /{env}/keys': owner('keys'),
  'DELETE /{env}/keys/{key_id}': owner('keys'),
  'GET /{env}/settings': owner('settings'),
  'PUT /{env}/settings': owner('settings'),
  'GET /{env}/events': owner('events'),
  'GET /{env}/events/{event_id}': owner('events'),
  'POST /{env}/events/{event_id}/redeliver': owner('events'),
  // The widget (issue #16): its script and hosted connect page are public; a magic link is the
  // owner's to make, and the page's exchange is authenticated by the signed, single-use link itself.
  'GET /widget.js': anyone,
  'GET /connect': anyone,
  'POST /{env}/connect': owner('tokens'),
  'POST /connect/session': anyone,
  'GET /{env}/flows/{flow}/connectors': tenant('flows'),
  // Who changed what: the owner's record of every key's and token's changes (docs/security.md).
  'GET /{env}/audit': owner('audit'),
};

/** `POST /v2/{env}/…` from a Fastify method and route pattern (`/v2/:env/…`). HEAD is its GET. */
export function routeKey(method: string, url: string): string {
  const m = method.toUpperCase();
  return `${m === 'HEAD' ? 'GET' : m} ${url.replace(/:([A-Za-z_]+)/g, '{$1}')}`;
}

const FORGOTTEN: RoutePermission = { caller: 'owner' };

/** The route's entry; a route the table forgets is the owner's only (closed, not open). */
export function permissionOf(method: string, url: string): RoutePermission {
  return ROUTE_PERMISSIONS[routeKey(method, url)] ?? FORGOTTEN;
}

/** The owner-only fields present in a tenant's body that the flow does not let tenants send. */
export function forbiddenFieldsIn(permission: RoutePermission, body: unknown, allowedByFlow: readonly string[]): string[] {
  if (!permission.ownerOnlyFields || typeof body !== 'object' || body === null || Array.isArray(body)) return [];
  return permission.ownerOnlyFields.filter((f) => Object.hasOwn(body, f) && !allowedByFlow.includes(f));
}

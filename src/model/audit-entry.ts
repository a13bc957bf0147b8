/**
 * What kind of thing a route acts on. Every route of the permission table names one, so the audit
 * log can say what a request was about and an owner can filter by it.
 */
export const AUDIT_RESOURCES = [
  'keys',
  'tokens',
  'settings',
  'flows',
  'connectors',
  'links',
  'schedules',
  'tenants',
  'snapshots',
  'jobs',
  'writes',
  'events',
  'audit',
] as const;
export type AuditResource = (typeof AUDIT_RESOURCES)[number];

/**
 * The resources whose every change (any method but GET) is recorded, whatever its outcome
 * (issue #12: keys, settings, flows, connectors, links, schedules and tenants; tokens and snapshots
 * are the tenants' too). Jobs, real-time writes and redeliveries are the platform doing its work,
 * recorded only when refused; they have their own history (jobs, write tasks, events).
 */
export const AUDITED_CHANGES: ReadonlySet<AuditResource> = new Set([
  'keys',
  'tokens',
  'settings',
  'flows',
  'connectors',
  'links',
  'schedules',
  'tenants',
  'snapshots',
]);

/** Who made a request: the environment key, or a tenant through the public key and its token. */
export type AuditActorKind = 'environment' | 'tenant';

/**
 * One recorded request: who, what, when, from where. Never a key, a token or a body value: the
 * key by its id (the start of its SHA-256), the body by its top-level field names only.
 */
export interface AuditEntry {
  audit_id: string;
  env_id: string;
  /** When the answer was made (ISO 8601, ms). */
  at: string;
  /** The key id for the environment key, `tenant:<id>` for a tenant token. */
  actor: string;
  actor_kind: AuditActorKind;
  /** The id of the API key the request carried (the public key's, for a tenant). */
  key_id: string;
  /** The peer address the request came from (request.ip). */
  ip: string;
  method: string;
  /** The route pattern as /openapi.json names it, e.g. `PUT /{env}/flows/{flow}`. */
  route: string;
  resource: AuditResource;
  /** The path parameters other than `env` (flow, tenant, connector id, …). */
  ids: Record<string, string>;
  /** The tenant the request concerned: the path's, the `tenant_id` query's, or the caller's. */
  tenant: string | null;
  /** Top-level field names of the JSON body, never their values. */
  fields: string[];
  status_code: number;
  /** The error code of a refused or failed request (the catalogue's), null on success. */
  error_code: string | null;
}

/** How the owner reads the log: newest first, keyset pages. */
export interface AuditListFilter {
  env_id: string;
  /** Entries concerning this tenant or made by it. */
  tenant?: string;
  resource?: AuditResource;
  /** Entries at or after this instant (epoch ms). */
  since_ms?: number;
  /** Entries older than this one (its audit_id), for the next page. */
  before_audit_id?: string;
  limit: number;
}

import type { Catalog } from './catalog.js';
import type { FieldMap } from './field-map.js';

/** v1 source flows link sources, v1 target flows link targets, v2 flows link connectors. */
export type LinkRole = 'source' | 'target' | 'connector';

export interface LinkKey {
  env_id: string;
  flow_id: string;
  tenant: string;
  role: LinkRole;
  connector_id: string;
}

/** Who set a link's config: the owner (environment key) or the tenant (public key + tenant token). */
export type ConfigSetter = 'owner' | 'tenant';

/**
 * Whether a link's credentials work, as far as Sinew knows (issue #15): `ok` once a provider issued
 * or refreshed its tokens, `invalid` once a provider refused them (the tenant must link again),
 * `unknown` until either — linking with typed credentials checks nothing yet. Relinking resets it.
 */
export interface LinkHealth {
  status: 'ok' | 'invalid' | 'unknown';
  /** Why it is invalid (a code and a message that hold no secret); null otherwise. */
  reason: { code: string; message: string } | null;
  /** When it became what it is (ISO 8601). */
  since: string;
}

export interface Link extends LinkKey {
  /** AES-256-GCM ciphertext of the config JSON (credentials included); never leaves the server in clear. */
  config_encrypted: string;
  field_map: FieldMap | null;
  catalog: Catalog | null;
  /** Singer state committed by the last successful job. */
  state: Record<string, unknown> | null;
  schedule: Record<string, unknown> | null;
  created_at: string;
  updated_at: string;
  /**
   * Who set the config's `path`: a tenant's file paths are confined to its folder
   * (src/connectors/file-confinement.ts). Absent on links stored before it was recorded (linkPathSetter).
   */
  path_set_by?: ConfigSetter;
  /** Absent on links stored before health existed: read as unknown (linkHealth). */
  health?: LinkHealth;
}

export const linkHealth = (link: Link): LinkHealth => link.health ?? { status: 'unknown', reason: null, since: link.updated_at };

/** Who set a link's path; on a link stored before that was recorded, the tenant — the safe answer. */
export const linkPathSetter = (link: Link): ConfigSetter => link.path_set_by ?? 'tenant';

export const linkKeyString = (k: LinkKey): string =>
  [k.env_id, k.flow_id, k.tenant, k.role, k.connector_id].map(encodeURIComponent).join('/');

/**
 * Opens a link's config for use (a job, a real-time write): in clear, and with OAuth tokens
 * refreshed first when they are about to expire (src/oauth/token-refresher.ts).
 */
export type LinkConfigOpener = (link: Link) => Promise<Record<string, unknown>>;

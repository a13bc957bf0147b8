import type { FieldMap } from './field-map.js';
import type { Catalog } from '../singer/catalog.js';

/** v1 source flows link sources, v1 target flows link targets, v2 flows link connectors. */
export type LinkRole = 'source' | 'target' | 'connector';

export interface LinkKey {
  env_id: string;
  flow_id: string;
  tenant: string;
  role: LinkRole;
  connector_id: string;
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
}

export const linkKeyString = (k: LinkKey): string =>
  [k.env_id, k.flow_id, k.tenant, k.role, k.connector_id].map(encodeURIComponent).join('/');

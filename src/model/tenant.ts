/** A tenant is the owner's customer; it exists from its first link (or explicit config). */
export interface Tenant {
  env_id: string;
  tenant: string;
  /** The tenant-config.json document. */
  config: Record<string, unknown>;
  created_at: string;
}

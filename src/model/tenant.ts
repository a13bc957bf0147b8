/** A tenant is the owner's customer; it exists from its first link (or explicit config). */
export interface Tenant {
  env_id: string;
  tenant: string;
  /** The tenant-config.json document. */
  config: Record<string, unknown>;
  created_at: string;
  /**
   * A random value every tenant token of this tenant carries (`gen`); a token with another value is
   * refused. Replaced to revoke the tenant's tokens, gone with the tenant when it is deleted.
   */
  token_generation?: string;
}

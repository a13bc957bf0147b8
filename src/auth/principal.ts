/**
 * Who is calling: the environment owner (environment key) or one tenant (public key + tenant
 * token); `key_id` names the API key used (src/crypto/api-key.ts), for the audit log.
 */
export type Principal =
  | { env_id: string; kind: 'environment'; key_id: string }
  | { env_id: string; kind: 'tenant'; tenant: string; key_id: string };

/**
 * What authentication established about a caller, filled in as it goes, so a refused attempt can
 * still be told apart: the key's environment and id once the key is known, the tenant once a
 * token's signature is verified (even if it then turns out expired or revoked).
 */
export interface AuthTrace {
  env_id?: string;
  key_kind?: 'environment' | 'public';
  key_id?: string;
  tenant?: string;
}

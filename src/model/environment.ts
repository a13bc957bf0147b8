/** An environment: one owner's isolated space (flows, tenants, keys, settings). */
export interface Environment {
  env_id: string;
  name: string;
  /** Job settings, monitoring and storage settings (free-form JSON validated by the settings service). */
  settings: Record<string, unknown>;
  /** AES-GCM-encrypted secret that signs tenant tokens for the public key (never returned). */
  token_secret_encrypted: string;
  created_at: string;
}

export type ApiKeyKind = 'environment' | 'public';

/** An API key; only its SHA-256 hash is stored, the key itself is shown once. */
export interface ApiKey {
  key_hash: string;
  env_id: string;
  kind: ApiKeyKind;
  /** First characters of the key, to let an owner tell keys apart without revealing them. */
  prefix: string;
  /** What the owner calls it ("billing backend", "widget"), if anything. */
  name?: string;
  created_at: string;
}

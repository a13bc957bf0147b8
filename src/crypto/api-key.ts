import { createHash, randomBytes } from 'node:crypto';
import type { ApiKey, ApiKeyKind } from '../model/environment.js';

/** API keys are random, shown once, and stored only as a SHA-256 hash (they are high-entropy, so no KDF). */
export function generateApiKey(kind: 'environment' | 'public'): string {
  return `${kind === 'environment' ? 'sk' : 'pk'}_${randomBytes(24).toString('base64url')}`;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export const apiKeyPrefix = (key: string): string => key.slice(0, 7);

/**
 * An API key's id: the first 16 hex characters of its SHA-256. It names the key in the audit log
 * without revealing anything of it (the prefix would give away 4 of its characters), and whoever
 * holds the key can compute it: `printf %s "$KEY" | sha256sum | cut -c1-16`.
 */
export const apiKeyId = (keyHash: string): string => keyHash.slice(0, 16);

/** The stored row of a key: its hash, never the key (the caller shows the key once). */
export function apiKeyRow(envId: string, kind: ApiKeyKind, key: string, name?: string | null): ApiKey {
  return {
    key_hash: hashApiKey(key),
    env_id: envId,
    kind,
    prefix: apiKeyPrefix(key),
    created_at: new Date().toISOString(),
    ...(name ? { name } : {}),
  };
}

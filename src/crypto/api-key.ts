import { createHash, randomBytes } from 'node:crypto';

/** API keys are random, shown once, and stored only as a SHA-256 hash (they are high-entropy, so no KDF). */
export function generateApiKey(kind: 'environment' | 'public'): string {
  return `${kind === 'environment' ? 'sk' : 'pk'}_${randomBytes(24).toString('base64url')}`;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export const apiKeyPrefix = (key: string): string => key.slice(0, 7);

import { createHash, randomBytes } from 'node:crypto';

/** A PKCE verifier (RFC 7636: 43-128 unreserved characters) and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier, 'ascii').digest('base64url') };
}

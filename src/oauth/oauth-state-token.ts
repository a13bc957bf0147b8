import { jwtVerify, SignJWT } from 'jose';
import type { LinkRole } from '../model/link.js';

/** How long a started authorization may wait for its callback. */
export const STATE_TTL_SECONDS = 600;

/**
 * What the `state` parameter says, signed (HS256, a key derived from the secret key): the callback
 * has no API key, so the state is what authenticates it. The claims are not secret (they name the
 * link to be made); the PKCE verifier and the tenant's config stay in the store, under `jti`, which
 * the callback takes once (single use).
 */
export interface OAuthStateClaims {
  jti: string;
  env: string;
  flow: string;
  tenant: string;
  role: LinkRole;
  connector: string;
}

export async function signState(key: Uint8Array, claims: OAuthStateClaims): Promise<string> {
  const { jti, ...rest } = claims;
  return new SignJWT({ ...rest, typ: 'sinew-oauth-state' })
    .setProtectedHeader({ alg: 'HS256' })
    .setJti(jti)
    .setIssuedAt()
    .setExpirationTime(`${STATE_TTL_SECONDS}s`)
    .sign(key);
}

/** The claims of a state Sinew signed and that has not expired, or null (forged, altered, expired). */
export async function verifyState(key: Uint8Array, state: string): Promise<OAuthStateClaims | null> {
  try {
    const { payload: p } = await jwtVerify(state, key, { algorithms: ['HS256'] });
    const strings = [p.jti, p.env, p.flow, p.tenant, p.role, p.connector];
    if (p.typ !== 'sinew-oauth-state' || strings.some((v) => typeof v !== 'string' || v === '')) return null;
    return {
      jti: p.jti!,
      env: p.env as string,
      flow: p.flow as string,
      tenant: p.tenant as string,
      role: p.role as LinkRole,
      connector: p.connector as string,
    };
  } catch {
    return null;
  }
}

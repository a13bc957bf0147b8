import { SignJWT, jwtVerify } from 'jose';
import { SinewError } from '../errors/sinew-error.js';

/**
 * Tenant tokens: HS256 JWTs with `sub` = tenant, signed with the environment's token secret. The
 * embeddable widget holds one (plus the public key) and can then act only for that tenant.
 */
export async function signTenantToken(secret: string, envId: string, tenant: string, ttlSeconds: number): Promise<string> {
  return new SignJWT({ env: envId })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(tenant)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(new TextEncoder().encode(secret));
}

export async function verifyTenantToken(secret: string, envId: string, token: string): Promise<string> {
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ['HS256'] });
    if (payload.env !== envId || typeof payload.sub !== 'string' || payload.sub === '') throw new Error('wrong environment');
    return payload.sub;
  } catch {
    throw new SinewError('UNAUTHORIZED', 'the tenant token is invalid or expired');
  }
}

import { SignJWT, jwtVerify } from 'jose';
import { SinewError } from '../errors/sinew-error.js';

/**
 * Tenant tokens: HS256 JWTs with `sub` = tenant, signed with the environment's token secret. The
 * embeddable widget holds one (plus the public key) and can then act only for that tenant. `gen`
 * is the tenant's token generation when it was issued: the Authenticator refuses a token whose
 * generation is no longer the tenant's (revoked, or the tenant deleted).
 */
export async function signTenantToken(secret: string, envId: string, tenant: string, generation: string, ttlSeconds: number): Promise<string> {
  return new SignJWT({ env: envId, gen: generation })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(tenant)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(new TextEncoder().encode(secret));
}

export interface VerifiedTenantToken {
  tenant: string;
  /** Absent in tokens issued before generations existed: those are refused. */
  generation: string | undefined;
}

export async function verifyTenantToken(secret: string, envId: string, token: string): Promise<VerifiedTenantToken> {
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ['HS256'] });
    if (payload.env !== envId || typeof payload.sub !== 'string' || payload.sub === '') throw new Error('wrong environment');
    return { tenant: payload.sub, generation: typeof payload.gen === 'string' ? payload.gen : undefined };
  } catch {
    throw new SinewError('UNAUTHORIZED', 'the tenant token is invalid or expired');
  }
}

import { errors, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { SinewError } from '../errors/sinew-error.js';

/**
 * Tenant tokens: HS256 JWTs with `sub` = tenant, signed with the environment's token secret. The
 * embeddable widget holds one (plus the public key) and can then act only for that tenant. `gen`
 * is the tenant's token generation when it was issued: the Authenticator refuses a token whose
 * generation is no longer the tenant's (revoked, or the tenant deleted).
 */
export async function signTenantToken(
  secret: string,
  envId: string,
  tenant: string,
  generation: string,
  ttlSeconds: number,
): Promise<string> {
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

/** The tenant a signed payload of this environment names, if it names one. */
const tenantOf = (payload: JWTPayload, envId: string): string | undefined =>
  payload.env === envId && typeof payload.sub === 'string' && payload.sub !== '' ? payload.sub : undefined;

/**
 * Checks a token; `trace.tenant` is set once its signature holds — an expired token's too (jose
 * checks the expiry after the signature), so the audit log can name who tried with it.
 */
export async function verifyTenantToken(
  secret: string,
  envId: string,
  token: string,
  trace: { tenant?: string } = {},
): Promise<VerifiedTenantToken> {
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ['HS256'] });
    const tenant = tenantOf(payload, envId);
    if (tenant === undefined) throw new Error('wrong environment');
    trace.tenant = tenant;
    return { tenant, generation: typeof payload.gen === 'string' ? payload.gen : undefined };
  } catch (e) {
    if (e instanceof errors.JWTExpired) trace.tenant = tenantOf(e.payload, envId);
    throw new SinewError('UNAUTHORIZED', 'the tenant token is invalid or expired');
  }
}

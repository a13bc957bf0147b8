import { apiKeyId, hashApiKey } from '../crypto/api-key.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { SinewError } from '../errors/sinew-error.js';
import type { Store } from '../store/store.js';
import type { AuthTrace, Principal } from './principal.js';
import { verifyTenantToken } from './tenant-token.js';

/** Resolves `x-api-key` (+ tenant token for public keys) to a principal. */
export class Authenticator {
  constructor(
    private readonly store: Store,
    private readonly box: SecretBox,
  ) {}

  /** `trace` collects what was established before a refusal (see AuthTrace). */
  async authenticate(apiKey: string | undefined, tenantToken: string | undefined, trace: AuthTrace = {}): Promise<Principal> {
    if (!apiKey) throw new SinewError('UNAUTHORIZED', 'missing x-api-key header');
    const key = await this.store.apiKeys.get(hashApiKey(apiKey));
    if (!key) throw new SinewError('UNAUTHORIZED', 'unknown API key');
    const keyId = apiKeyId(key.key_hash);
    trace.env_id = key.env_id;
    trace.key_id = keyId;
    trace.key_kind = key.kind;
    if (key.kind === 'environment') return { env_id: key.env_id, kind: 'environment', key_id: keyId };
    if (!tenantToken) throw new SinewError('UNAUTHORIZED', 'a public key needs a tenant token (?token= or Authorization: Bearer)');
    const env = await this.store.environments.get(key.env_id);
    if (!env) throw new SinewError('UNAUTHORIZED', 'unknown API key');
    const { tenant, generation } = await verifyTenantToken(this.box.decrypt(env.token_secret_encrypted), key.env_id, tenantToken, trace);
    // Checked on every request, so a revoke or a tenant delete takes effect at once — and a
    // deleted tenant's token cannot re-create it by linking again.
    const row = await this.store.tenants.get(key.env_id, tenant);
    if (!row?.token_generation || row.token_generation !== generation)
      throw new SinewError('UNAUTHORIZED', 'the tenant token has been revoked');
    return { env_id: key.env_id, kind: 'tenant', tenant, key_id: keyId };
  }
}

/** Throws unless the principal may act in `envId` (and, for a tenant principal, for `tenant`). */
export function authorize(principal: Principal, envId: string, tenant?: string, ownerOnly = false): void {
  // Another environment's resources are invisible, not forbidden: do not confirm they exist.
  if (principal.env_id !== envId) throw new SinewError('NOT_FOUND', `environment ${envId} not found`);
  if (principal.kind === 'environment') return;
  if (ownerOnly) throw new SinewError('FORBIDDEN', 'this needs the environment key');
  // A tenant route that names no tenant (e.g. /flows/supported) serves nothing tenant-specific.
  if (tenant !== undefined && principal.tenant !== tenant) throw new SinewError('FORBIDDEN', 'the tenant token is for another tenant');
}

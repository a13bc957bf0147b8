import { randomBytes } from 'node:crypto';
import { signTenantToken } from '../auth/tenant-token.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { notFound } from '../errors/sinew-error.js';
import type { Store } from '../store/store.js';

/** One hour unless the owner asks otherwise: a widget fetches a new token, a leaked one dies soon. */
export const DEFAULT_TENANT_TOKEN_TTL_SECONDS = 3600;
export const MAX_TENANT_TOKEN_TTL_SECONDS = 86_400;

// Random, not a counter: a tenant deleted and created again must not reach an old generation.
const newGeneration = (): string => randomBytes(12).toString('base64url');

/**
 * Issues a tenant token carrying the tenant's token generation. Issuing creates the tenant when it
 * does not exist yet (the widget holds a token before the first link), so its generation has a home.
 */
export async function issueTenantToken(store: Store, box: SecretBox, envId: string, tenant: string, ttlSeconds: number): Promise<string> {
  const env = await store.environments.get(envId);
  if (!env) throw notFound('environment');
  // Under the tenant's lock: two first issues at once (two API processes) would otherwise each
  // write a generation, the later revoking the token the earlier one handed out.
  const generation = await store.locks.withKeys([`tenant-token:${envId}:${tenant}`], () =>
    store.transaction(async (tx) => {
      const row = await tx.tenants.get(envId, tenant);
      if (row?.token_generation) return row.token_generation;
      const token_generation = newGeneration();
      await tx.tenants.put({ ...(row ?? { env_id: envId, tenant, config: {}, created_at: new Date().toISOString() }), token_generation });
      return token_generation;
    }),
  );
  return signTenantToken(box.decrypt(env.token_secret_encrypted), envId, tenant, generation, ttlSeconds);
}

/** Revokes every token of the tenant issued so far: the next token carries a new generation. */
export async function revokeTenantTokens(store: Store, envId: string, tenant: string): Promise<void> {
  await store.transaction(async (tx) => {
    const row = await tx.tenants.get(envId, tenant);
    if (!row) throw notFound('tenant', { tenant });
    await tx.tenants.put({ ...row, token_generation: newGeneration() });
  });
}

import { SinewError } from '../errors/sinew-error.js';
import type { Store } from '../store/store.js';
import { isTenantId } from './tenant-id.js';

/** A tenant stored under an id the API no longer accepts (`T2/snapshots`, `..`, `<b>`). */
export interface InvalidTenant {
  env_id: string;
  tenant: string;
  links: number;
}

/**
 * Tenants kept from before ids were checked whose ids are now refused: the API cannot reach them,
 * not even to delete them (every route checks the id first). Found by their tenant rows and by
 * their links (a tenant exists from its first link).
 */
export async function findInvalidTenants(store: Store): Promise<InvalidTenant[]> {
  const found: InvalidTenant[] = [];
  for (const env of await store.environments.list()) {
    const links = new Map<string, number>();
    for (const link of await store.links.list({ env_id: env.env_id })) links.set(link.tenant, (links.get(link.tenant) ?? 0) + 1);
    const ids = new Set([...(await store.tenants.list(env.env_id)).map((t) => t.tenant), ...links.keys()]);
    for (const tenant of [...ids].sort())
      if (!isTenantId(tenant)) found.push({ env_id: env.env_id, tenant, links: links.get(tenant) ?? 0 });
  }
  return found;
}

/**
 * Removes an invalid tenant's rows: links, schedules, job history, record ids and the tenant itself.
 * Not its files: an id such as `T2/snapshots` names a folder inside another tenant's, so its storage
 * prefix is not safe to delete; the operator checks `{tenant}/` by hand.
 */
export async function removeInvalidTenant(store: Store, envId: string, tenant: string): Promise<void> {
  if (isTenantId(tenant))
    throw new SinewError('VALIDATION_FAILED', `${tenant} is a valid tenant id: delete it through the API (DELETE /tenant/{env}/{tenant})`);
  await store.transaction(async (tx) => {
    const active = await tx.tenantErasure.activeJobIds(envId, tenant);
    if (active.length > 0)
      throw new SinewError('CONFLICT', `tenant ${JSON.stringify(tenant)} has jobs that have not ended: ${active.join(', ')}`, {
        active_jobs: active,
      });
    await tx.tenants.delete(envId, tenant);
    await tx.schedules.deleteTenantSchedules(envId, tenant);
    await tx.tenantErasure.eraseHistory(envId, tenant);
  });
}

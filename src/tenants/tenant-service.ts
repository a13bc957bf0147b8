import type { Store } from '../store/store.js';
import { notFound } from '../errors/sinew-error.js';

/** Tenants and their tenant-config.json. */
export class TenantService {
  constructor(private readonly store: Store) {}

  async list(envId: string): Promise<string[]> {
    return (await this.store.listTenants(envId)).map((t) => t.tenant);
  }

  async remove(envId: string, tenant: string): Promise<void> {
    if (!(await this.store.deleteTenant(envId, tenant))) throw notFound('tenant', { tenant });
  }

  async getConfig(envId: string, tenant: string): Promise<Record<string, unknown>> {
    const row = await this.store.getTenant(envId, tenant);
    if (!row) throw notFound('tenant', { tenant });
    return row.config;
  }

  async putConfig(envId: string, tenant: string, config: Record<string, unknown>): Promise<Record<string, unknown>> {
    const row = await this.store.getTenant(envId, tenant);
    await this.store.putTenant({ env_id: envId, tenant, config, created_at: row?.created_at ?? new Date().toISOString() });
    return config;
  }
}

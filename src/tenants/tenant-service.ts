import type { Store } from '../store/store.js';
import { notFound } from '../errors/sinew-error.js';
import { recordConnectionEvent } from '../links/connection-event.js';
import type { OutboxNotifier } from '../events/outbox-notifier.js';

/** Tenants and their tenant-config.json. */
export class TenantService {
  constructor(
    private readonly store: Store,
    /** Woken after a delete that wrote UNLINK events, so they go out now, not at the next poll. */
    private readonly outbox?: OutboxNotifier,
  ) {}

  async list(envId: string): Promise<string[]> {
    return (await this.store.listTenants(envId)).map((t) => t.tenant);
  }

  /** Deletes the tenant and its links; each removed link is reported as an UNLINK connection event. */
  async remove(envId: string, tenant: string): Promise<void> {
    await this.store.transaction(async (tx) => {
      const links = await tx.listLinks({ env_id: envId, tenant });
      if (!(await tx.deleteTenant(envId, tenant))) throw notFound('tenant', { tenant });
      await tx.schedules.deleteTenantSchedules(envId, tenant);
      for (const link of links) await recordConnectionEvent(tx, link, 'UNLINK', false);
    });
    this.outbox?.notify();
  }

  async getConfig(envId: string, tenant: string): Promise<Record<string, unknown>> {
    const row = await this.store.getTenant(envId, tenant);
    if (!row) throw notFound('tenant', { tenant });
    return row.config;
  }

  async putConfig(envId: string, tenant: string, config: Record<string, unknown>): Promise<Record<string, unknown>> {
    const row = await this.store.getTenant(envId, tenant);
    // The token generation stays: replacing the config does not revoke the tenant's tokens.
    await this.store.putTenant({ ...(row ?? { env_id: envId, tenant, created_at: new Date().toISOString() }), config });
    return config;
  }
}

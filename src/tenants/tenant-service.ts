import { notFound, SinewError } from '../errors/sinew-error.js';
import type { OutboxNotifier } from '../events/outbox-notifier.js';
import { recordConnectionEvent } from '../links/connection-event.js';
import { environmentSettings } from '../settings/environment-settings.js';
import type { StorageForEnvironment } from '../settings/storage-router.js';
import type { Store } from '../store/store.js';
import { findTenantFilesFolder, removeTenantFilesFolder } from './tenant-files-folder.js';
import { checkTenantId } from './tenant-id.js';

/** Tenants and their tenant-config.json. */
export class TenantService {
  constructor(
    private readonly store: Store,
    /** Where the tenant's snapshots and job files are (`{tenant}/…` in its environment's storage). */
    private readonly storage: StorageForEnvironment,
    /** Woken after a delete that wrote UNLINK events, so they go out now, not at the next poll. */
    private readonly outbox?: OutboxNotifier,
  ) {}

  async list(envId: string): Promise<string[]> {
    return (await this.store.tenants.list(envId)).map((t) => t.tenant);
  }

  /**
   * Deletes the tenant with everything it left: links (each reported as an UNLINK connection
   * event), schedules, job history, record-id map, and its files — snapshots, tenant-config.json and
   * job roots, and its folder under the environment's files root (what its csv/jsonl links wrote).
   * Its tokens stop working with its row (they carry its token generation). A tenant with jobs
   * still running is refused (409): a job ending later would write files again.
   */
  async remove(envId: string, tenant: string): Promise<void> {
    // The id becomes a storage prefix below: `T2/snapshots` would name another tenant's files.
    checkTenantId(tenant);
    // Looked for before any row goes, so a folder Sinew refuses to remove (behind a symlink out of
    // the root) is a 409 that loses nothing, like running jobs; looked for again with the files below.
    const filesFolder = async () =>
      findTenantFilesFolder(environmentSettings((await this.store.environments.get(envId))?.settings ?? {}).files.root, tenant);
    await filesFolder();
    const hadRows = await this.store.transaction(async (tx) => {
      const active = await tx.tenantErasure.activeJobIds(envId, tenant);
      if (active.length > 0) {
        throw new SinewError(
          'CONFLICT',
          `the tenant has ${active.length} job(s) that have not ended: cancel them or let them end, then delete the tenant`,
          {
            tenant,
            active_jobs: active.slice(0, 20),
          },
        );
      }
      const links = await tx.links.list({ env_id: envId, tenant });
      const existed = await tx.tenants.delete(envId, tenant);
      await tx.schedules.deleteTenantSchedules(envId, tenant);
      const erased = await tx.tenantErasure.eraseHistory(envId, tenant);
      for (const link of links) await recordConnectionEvent(tx, link, 'UNLINK', false);
      return existed || erased.jobs > 0 || erased.record_ids > 0;
    });
    this.outbox?.notify();
    // Files go after the rows, so a failure here leaves only files, and a second DELETE (which
    // finds no rows but these files) finishes the job instead of answering 404.
    const storage = await this.storage.forEnvironment(envId);
    const prefix = `${tenant}/`;
    const folder = await filesFolder();
    if (!hadRows && folder === null && (await storage.list(prefix)).length === 0) throw notFound('tenant', { tenant });
    await storage.deletePrefix(prefix);
    if (folder !== null) await removeTenantFilesFolder(folder);
  }

  async getConfig(envId: string, tenant: string): Promise<Record<string, unknown>> {
    const row = await this.store.tenants.get(envId, tenant);
    if (!row) throw notFound('tenant', { tenant });
    return row.config;
  }

  async putConfig(envId: string, tenant: string, config: Record<string, unknown>): Promise<Record<string, unknown>> {
    const row = await this.store.tenants.get(envId, tenant);
    // The token generation stays: replacing the config does not revoke the tenant's tokens.
    await this.store.tenants.put({ ...(row ?? { env_id: envId, tenant, created_at: new Date().toISOString() }), config });
    return config;
  }
}

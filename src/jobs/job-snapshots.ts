import fs from 'node:fs/promises';
import path from 'node:path';
import type { JobSettings } from '../model/job-settings.js';
import { SnapshotStore } from '../snapshots/snapshot-store.js';
import type { BlobStorage } from '../storage/blob-storage.js';
import { JOB_FILES } from '../storage/job-root.js';

/**
 * A job's view of its tenant's snapshots. Jobs with an ETL step get a copy of the snapshots (and
 * tenant-config.json) in `{job root}/snapshots/`; what the ETL leaves there is saved back when the
 * job succeeds — or also when it fails, with *save snapshots even when jobs fail*, unless *roll back
 * on failure* is on (a rolled-back job leaves nothing of its own as committed). The job root keeps
 * no copy afterwards.
 */
export class JobSnapshots {
  private settled = false;

  private constructor(
    private readonly snapshots: SnapshotStore | null,
    private readonly tenant: string,
    private readonly dir: string,
    private readonly settings: JobSettings,
  ) {}

  static async stage(args: {
    storage: BlobStorage;
    tenant: string;
    workspaceDir: string;
    withEtl: boolean;
    tenantConfig: Record<string, unknown>;
    settings: JobSettings;
  }): Promise<JobSnapshots> {
    const dir = path.join(args.workspaceDir, JOB_FILES.snapshots);
    if (!args.withEtl) return new JobSnapshots(null, args.tenant, dir, args.settings);
    const snapshots = new SnapshotStore(args.storage);
    await snapshots.stageInto(args.tenant, dir, args.tenantConfig);
    return new JobSnapshots(snapshots, args.tenant, dir, args.settings);
  }

  /** Saves (or not) what the job left, once, before the job's end is recorded. */
  async settle(succeeded: boolean): Promise<void> {
    if (!this.snapshots || this.settled) return;
    this.settled = true;
    const save = succeeded || (this.settings.save_snapshots_on_failure && !this.settings.rollback_on_failure);
    if (save) await this.snapshots.publishFrom(this.tenant, this.dir);
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}

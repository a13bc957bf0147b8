import type { Readable } from 'node:stream';
import type { BlobEntry, BlobStorage, JobWorkspace } from './blob-storage.js';
import { checkStorageKey } from './storage-key.js';

/**
 * One environment's part of a shared storage: every key lives under `<prefix>/`. The server's own
 * storage is shared by all environments, and the job-root layout (`{tenant}/flows/…`) and snapshots
 * (`{tenant}/snapshots/…`) name no environment — so without this, two environments with the same
 * tenant id would share files.
 */
export class PrefixedBlobStorage implements BlobStorage {
  readonly kind: BlobStorage['kind'];
  private readonly base: string;

  constructor(
    private readonly inner: BlobStorage,
    prefix: string,
  ) {
    this.kind = inner.kind;
    this.base = `${checkStorageKey(prefix)}/`;
  }

  // Methods are async so a refused key is a rejected promise, as with the other adapters.
  private full(key: string): string {
    return `${this.base}${checkStorageKey(key)}`;
  }

  async put(key: string, body: Buffer | string): Promise<void> {
    return this.inner.put(this.full(key), body);
  }

  async putStream(key: string, body: Readable): Promise<void> {
    return this.inner.putStream(this.full(key), body);
  }

  async get(key: string): Promise<Buffer | undefined> {
    return this.inner.get(this.full(key));
  }

  async getStream(key: string): Promise<Readable | undefined> {
    return this.inner.getStream(this.full(key));
  }

  async list(prefix: string): Promise<BlobEntry[]> {
    const entries = await this.inner.list(this.full(prefix));
    return entries.map((e) => ({ ...e, key: e.key.slice(this.base.length) }));
  }

  async deletePrefix(prefix: string): Promise<void> {
    return this.inner.deletePrefix(this.full(prefix));
  }

  async openWorkspace(prefix: string): Promise<JobWorkspace> {
    return this.inner.openWorkspace(this.full(prefix));
  }

  describe(): { url: string } {
    const url = this.inner.describe().url.replace(/\/$/, '');
    return { url: `${url}/${this.base.slice(0, -1)}` };
  }
}

import type { Readable } from 'node:stream';

export interface BlobEntry {
  key: string;
  size: number;
  /** When the blob was last written (ISO 8601), where the storage knows it. */
  updated?: string;
}

/**
 * A working copy of one job root on local disk. Phases read and write plain files there; `publish`
 * makes what is there durable in blob storage (a no-op when storage is the local disk itself).
 */
export interface JobWorkspace {
  dir: string;
  publish(): Promise<void>;
  dispose(): Promise<void>;
}

/** The blob storage port: local disk (embedded) or S3. Keys are `/`-separated relative paths. */
export interface BlobStorage {
  readonly kind: 'local' | 's3';
  put(key: string, body: Buffer | string): Promise<void>;
  putStream(key: string, body: Readable): Promise<void>;
  /** undefined when the key does not exist. */
  get(key: string): Promise<Buffer | undefined>;
  getStream(key: string): Promise<Readable | undefined>;
  list(prefix: string): Promise<BlobEntry[]>;
  deletePrefix(prefix: string): Promise<void>;
  /** A local working directory that mirrors `prefix` (the job root) for a job process. */
  openWorkspace(prefix: string): Promise<JobWorkspace>;
  /** A description a job process can reopen the same storage from (no secrets in clear). */
  describe(): { url: string };
}

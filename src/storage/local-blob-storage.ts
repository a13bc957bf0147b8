import { createReadStream, createWriteStream, type Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { tempFileBeside } from '../runtime/temp-file-name.js';
import type { BlobEntry, BlobStorage, JobWorkspace } from './blob-storage.js';
import { checkStorageKey } from './storage-key.js';

/** Blob storage on the local disk: the embedded default, under `<dataDir>/storage`. */
export class LocalBlobStorage implements BlobStorage {
  readonly kind = 'local' as const;

  constructor(readonly root: string) {}

  private pathOf(key: string): string {
    return path.join(this.root, checkStorageKey(key));
  }

  async put(key: string, body: Buffer | string): Promise<void> {
    const file = this.pathOf(key);
    await fs.mkdir(path.dirname(file), { recursive: true });
    // Write then rename, so a reader (or a crash) never sees half a file.
    const tmp = tempFileBeside(file);
    try {
      await fs.writeFile(tmp, body);
      await fs.rename(tmp, file);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw e;
    }
  }

  async putStream(key: string, body: Readable): Promise<void> {
    const file = this.pathOf(key);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const tmp = tempFileBeside(file);
    try {
      await pipeline(body, createWriteStream(tmp));
      await fs.rename(tmp, file);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw e;
    }
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await fs.readFile(this.pathOf(key));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async getStream(key: string): Promise<Readable | undefined> {
    const file = this.pathOf(key);
    try {
      await fs.access(file);
    } catch {
      return undefined;
    }
    return createReadStream(file);
  }

  async list(prefix: string): Promise<BlobEntry[]> {
    const base = this.pathOf(prefix);
    const out: BlobEntry[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries: Dirent[];
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw e;
      }
      for (const entry of entries) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (entry.isFile()) {
          // Gone between readdir and stat (a delete, a rename over it): not there, so not listed.
          const stat = await fs.stat(full).catch((e: NodeJS.ErrnoException) => {
            if (e.code === 'ENOENT') return undefined;
            throw e;
          });
          if (stat)
            out.push({ key: path.relative(this.root, full).split(path.sep).join('/'), size: stat.size, updated: stat.mtime.toISOString() });
        }
      }
    };
    await walk(base);
    return out.sort((a, b) => a.key.localeCompare(b.key));
  }

  async deletePrefix(prefix: string): Promise<void> {
    await fs.rm(this.pathOf(prefix), { recursive: true, force: true });
  }

  async openWorkspace(prefix: string): Promise<JobWorkspace> {
    // The job root on local disk is its own workspace: nothing to copy.
    const dir = this.pathOf(prefix);
    await fs.mkdir(dir, { recursive: true });
    return { dir, publish: async () => {}, dispose: async () => {} };
  }

  describe(): { url: string } {
    return { url: `file://${this.root}` };
  }
}

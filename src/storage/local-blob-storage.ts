import { createReadStream, type Dirent } from 'node:fs';
import fs, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { tempFileBeside } from '../runtime/temp-file-name.js';
import type { BlobEntry, BlobStorage, JobWorkspace } from './blob-storage.js';
import { checkStorageKey } from './storage-key.js';

/**
 * Runs a step that creates in a folder, again if a folder it needs was gone (ENOENT), a few times
 * at most: a delete removes the folders it leaves empty (removeEmptyParents), and one may vanish
 * between a writer's `mkdir -p` (or during it: it walks down one level at a time) and its open.
 * Once the writer's file is in the folder, the folder stays (rmdir removes only empty folders).
 */
async function againIfFolderGone<T>(step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || attempt === 5) throw e;
    }
  }
}

const makeFolder = (dir: string): Promise<unknown> => againIfFolderGone(() => fs.mkdir(dir, { recursive: true }));

/** Creates a file for writing, and its folders. */
const openInFolder = (file: string): Promise<FileHandle> =>
  againIfFolderGone(async () => {
    await fs.mkdir(path.dirname(file), { recursive: true });
    return fs.open(file, 'w');
  });

/** Blob storage on the local disk: the embedded default, under `<dataDir>/storage`. */
export class LocalBlobStorage implements BlobStorage {
  readonly kind = 'local' as const;

  constructor(readonly root: string) {}

  private pathOf(key: string): string {
    return path.join(this.root, checkStorageKey(key));
  }

  async put(key: string, body: Buffer | string): Promise<void> {
    const file = this.pathOf(key);
    // Write then rename, so a reader (or a crash) never sees half a file.
    const tmp = tempFileBeside(file);
    try {
      const handle = await openInFolder(tmp);
      try {
        await handle.writeFile(body);
      } finally {
        await handle.close();
      }
      await fs.rename(tmp, file);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw e;
    }
  }

  async putStream(key: string, body: Readable): Promise<void> {
    const file = this.pathOf(key);
    const tmp = tempFileBeside(file);
    try {
      const out = await openInFolder(tmp).catch((e: unknown) => {
        body.destroy(); // as the pipe would have: the caller's stream is not left open
        throw e;
      });
      await pipeline(body, out.createWriteStream());
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
    const target = this.pathOf(prefix);
    await fs.rm(target, { recursive: true, force: true });
    await this.removeEmptyParents(path.dirname(target));
  }

  /**
   * Removes the folders above a deleted key that it leaves empty (a pruned job root's date folders),
   * up to the storage root, stopping at the first one that holds anything. A writer racing it is
   * safe: rmdir removes only an empty folder, and a writer makes again a folder that went while it
   * worked (againIfFolderGone).
   */
  private async removeEmptyParents(dir: string): Promise<void> {
    const root = path.resolve(this.root);
    for (let folder = path.resolve(dir); folder.startsWith(root + path.sep); folder = path.dirname(folder)) {
      try {
        await fs.rmdir(folder);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return; // not empty (or not ours to remove): stop here
      }
    }
  }

  async openWorkspace(prefix: string): Promise<JobWorkspace> {
    // The job root on local disk is its own workspace: nothing to copy.
    const dir = this.pathOf(prefix);
    // Only its parents can be removed by a delete: the job root itself is no other key's parent.
    await makeFolder(dir);
    return { dir, publish: async () => {}, dispose: async () => {} };
  }

  describe(): { url: string } {
    return { url: `file://${this.root}` };
  }
}

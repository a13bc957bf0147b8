import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { BlobStorage, JobWorkspace } from './blob-storage.js';
import { checkStorageKey } from './storage-key.js';

/** Downloads/uploads in flight at once: enough to hide latency, few enough not to flood the disk or S3. */
const PARALLEL_TRANSFERS = 4;

/** A file's identity for change detection: size and nanosecond mtime (a rewrite changes one of them). */
type Stamp = string;

async function stampOf(file: string): Promise<Stamp> {
  const st = await fs.stat(file, { bigint: true });
  return `${st.size}:${st.mtimeNs}`;
}

async function eachBounded<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  // One iterator shared by the lanes: each item is taken by exactly one of them.
  const queue = items.values();
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    for (const item of queue) await fn(item);
  });
  await Promise.all(lanes);
}

/** Every regular file under dir, as `/`-separated paths relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    out.push(path.relative(dir, full).split(path.sep).join('/'));
  }
  return out;
}

/**
 * A job root mirrored to a local temp dir. On open, the objects already under the prefix are
 * downloaded (streamed). `publish()` uploads the files that are new or changed since the last
 * open/publish (streamed; multipart when large) and deletes the objects of files the job removed —
 * only files this workspace itself downloaded or published, so objects written meanwhile by someone
 * else are never touched. `dispose()` removes the temp dir (it does not publish).
 */
/** What the workspace needs of the S3 storage it mirrors (S3BlobStorage; a type of its own, so the two files do not import each other). */
export type WorkspaceStorage = Pick<BlobStorage, 'list' | 'getStream' | 'putStream'> & { deleteKeys(keys: string[]): Promise<void> };

export async function openS3Workspace(storage: WorkspaceStorage, prefix: string, opts: { root?: string } = {}): Promise<JobWorkspace> {
  const base = prefix.replace(/\/+$/, '');
  checkStorageKey(base);
  const keyOf = (rel: string): string => (base ? `${base}/${rel}` : rel);
  const dir = await fs.mkdtemp(path.join(opts.root ?? os.tmpdir(), 'sinew-workspace-'));
  /** What storage holds, as of the last open/publish: relative path → stamp of the local copy. */
  const known = new Map<string, Stamp>();
  try {
    const entries = await storage.list(base);
    await eachBounded(entries, PARALLEL_TRANSFERS, async (entry) => {
      const rel = base ? entry.key.slice(base.length + 1) : entry.key;
      checkStorageKey(rel); // an object named `a/../../x` must not write outside the workspace
      const file = path.join(dir, rel);
      await fs.mkdir(path.dirname(file), { recursive: true });
      const body = await storage.getStream(entry.key);
      if (!body) return; // deleted between list and get
      await pipeline(body, createWriteStream(file));
      known.set(rel, await stampOf(file));
    });
  } catch (e) {
    await fs.rm(dir, { recursive: true, force: true });
    throw e;
  }

  let publishing: Promise<void> = Promise.resolve();
  const publishOnce = async (): Promise<void> => {
    const present = await filesUnder(dir);
    const now = new Map<string, Stamp>();
    for (const rel of present) now.set(rel, await stampOf(path.join(dir, rel)));
    const changed = present.filter((rel) => known.get(rel) !== now.get(rel));
    await eachBounded(changed, PARALLEL_TRANSFERS, async (rel) => {
      await storage.putStream(keyOf(rel), createReadStream(path.join(dir, rel)));
      known.set(rel, now.get(rel) as Stamp);
    });
    const removed = [...known.keys()].filter((rel) => !now.has(rel));
    if (removed.length > 0) {
      await storage.deleteKeys(removed.map(keyOf));
      for (const rel of removed) known.delete(rel);
    }
  };

  return {
    dir,
    // Publishes never overlap: a second call waits for the first, then uploads what changed since.
    publish: () => (publishing = publishing.catch(() => {}).then(publishOnce)),
    dispose: async () => {
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

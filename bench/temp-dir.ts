import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { trackTempDir } from './exit-cleanup.js';

export interface TempDir {
  path: string;
  remove(): Promise<void>;
}

/** A fresh temp dir under os.tmpdir(), removed by remove() or, at the latest, when the benchmark ends. */
export async function makeTempDir(name: string): Promise<TempDir> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `sinew-bench-${name}-`));
  const release = trackTempDir(dir);
  return {
    path: dir,
    async remove() {
      release();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** Empties a directory without removing it (target output between runs: it appends). */
export async function emptyDir(dir: string): Promise<void> {
  for (const entry of await fs.readdir(dir)) await fs.rm(path.join(dir, entry), { recursive: true, force: true });
}

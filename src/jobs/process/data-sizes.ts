import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { JOB_FILES } from '../../storage/job-root.js';

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  let entries: Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? await dirBytes(full) : (await fs.stat(full)).size;
  }
  return total;
}

const kib = (bytes: number): number => Math.round((bytes / 1024) * 100) / 100;

/** `data_sizes` of the job object, in KiB as in the example payload. */
export async function measureDataSizes(
  root: string,
): Promise<{ sync_output: number; etl_output: number; snapshots: number; total: number }> {
  const sync = await dirBytes(path.join(root, JOB_FILES.syncOutput));
  const etl = await dirBytes(path.join(root, JOB_FILES.etlOutput));
  const snapshots = await dirBytes(path.join(root, JOB_FILES.snapshots));
  return { sync_output: kib(sync), etl_output: kib(etl), snapshots: kib(snapshots), total: kib(sync + etl + snapshots) };
}

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Harness } from '../support/sinew-harness.js';

/** Sets the environment's `files.root` to a fresh folder (removed by `h.stop()`), through the API, and returns it. */
export async function useFilesRoot(h: Harness): Promise<string> {
  // Its real path: a temp dir behind a symlink (macOS /tmp) would not compare with what Sinew resolves.
  const root = await fs.realpath(await h.tmp('files-root'));
  const put = await h.api('PUT', `/${h.envId}/settings`, { files: { root } });
  assert.equal(put.status, 200, put.text);
  return root;
}

/** `<root>/tenants/<tenant>/<sub>`, made, holding `files` (name → content). */
export async function tenantFolder(root: string, tenant: string, sub: string, files: Record<string, string> = {}): Promise<string> {
  const dir = path.join(root, 'tenants', tenant, sub);
  await fs.mkdir(dir, { recursive: true });
  for (const [name, body] of Object.entries(files)) await fs.writeFile(path.join(dir, name), body);
  return dir;
}

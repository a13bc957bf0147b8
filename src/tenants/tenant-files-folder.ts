import { lstat, realpath, rm } from 'node:fs/promises';
import path from 'node:path';
import { isInside } from '../connectors/builtin/confined-path.js';
import { SinewError } from '../errors/sinew-error.js';
import { checkTenantId } from './tenant-id.js';

/**
 * A tenant's folder under the environment's files root (`<files.root>/tenants/<tenant>/`, where its
 * `csv` and `jsonl` paths are confined: src/connectors/file-confinement.ts), as deleting the tenant
 * finds and removes it (issue #12, item 9): what its targets wrote there would otherwise be a new
 * tenant's under the same id. Deletion answers for paths the owner never sees a tenant choose, so it
 * trusts nothing on the way: the root and its `tenants` folder are resolved, `tenants` must stay in
 * the root, and only the entry named exactly the tenant id directly in it is removed — never what a
 * symlink there points to.
 */

const isMissing = (e: unknown): boolean => {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
};

/** The real path of `p`, or null when it does not exist; other failures (EACCES) are thrown, as storage's are. */
async function realOrNull(p: string): Promise<string | null> {
  try {
    return await realpath(p);
  } catch (e) {
    if (isMissing(e)) return null;
    throw e;
  }
}

/**
 * Where the tenant's folder is when something is there (a folder, or a symlink planted in its
 * place), with `tenants` resolved; null when there is no root, no `tenants` folder, or nothing
 * under the id. Refused (409) when there is something but `<files.root>/tenants` leads out of the
 * root: Sinew removes nothing it reaches through a symlink out of the root, and the owner has to look.
 */
export async function findTenantFilesFolder(root: string | null, tenant: string): Promise<string | null> {
  // The id becomes a path segment: checked again here, whoever called.
  checkTenantId(tenant);
  if (root === null) return null;
  const realRoot = await realOrNull(root);
  if (realRoot === null) return null;
  const tenants = await realOrNull(path.join(realRoot, 'tenants'));
  if (tenants === null) return null;
  const folder = path.join(tenants, tenant);
  // A valid id has no separator and no leading dot, so this holds; checked so that no later change
  // to the id rule can make deletion reach past a direct child of `tenants`.
  if (path.dirname(folder) !== tenants || path.basename(folder) !== tenant) throw new Error(`not a tenant folder name: ${tenant}`);
  try {
    await lstat(folder);
  } catch (e) {
    if (isMissing(e)) return null;
    throw e;
  }
  if (tenants === realRoot || !isInside(tenants, realRoot)) {
    throw new SinewError(
      'CONFLICT',
      "the environment's files.root/tenants folder leads out of the root (a symlink): Sinew does not remove the tenant's files through it; move them or the link, then delete the tenant",
      { tenant, setting: 'files.root' },
    );
  }
  return folder;
}

/**
 * Removes what `findTenantFilesFolder` found. `rm` looks at each entry with lstat and follows no
 * symlink: one in the tenant's place is removed itself and its target is left, and so are the
 * targets of links inside the folder.
 */
export async function removeTenantFilesFolder(folder: string): Promise<void> {
  await rm(folder, { recursive: true, force: true });
}

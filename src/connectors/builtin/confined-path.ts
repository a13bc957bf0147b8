import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';

/**
 * The config key that confines a file connector's `path` to one folder: relative paths start
 * there, and nothing the connector reads or writes may lead out of it (`..`, an absolute path
 * elsewhere, a symlink). Sinew sets it on a tenant's configs when a job or discover runs, from the
 * environment's `files.root` (src/connectors/file-confinement.ts), and removes whatever else set it.
 * Not in the connectors' config schemas: it is never the tenant's to choose.
 */
export const CONFINE_KEY = 'confine_to';

/** Whether `child` is `parent` or below it; both absolute and normalized. */
export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/**
 * Where `p` points when relative paths start at `base`, decided on the text alone (no file is
 * looked at, so the answer cannot depend on what exists): null for any `..` segment, a NUL byte,
 * or an absolute path outside `base`.
 */
export function resolveUnder(base: string, p: string): string | null {
  if (p.includes('\0') || p.split(/[\\/]/).includes('..')) return null;
  const resolved = path.resolve(base, p);
  return isInside(resolved, base) ? resolved : null;
}

/** The real path of `p` when it exists and stays inside `realBase`; null when it is missing, dangling or leads out. */
export async function realPathInside(p: string, realBase: string): Promise<string | null> {
  const real = await realpath(p).catch(() => null);
  return real !== null && isInside(real, realBase) ? real : null;
}

/**
 * For a directory that may not exist yet (a target's): whether what exists of it stays inside
 * `realBase` — the deepest entry of `p` that exists (a dangling symlink counts, and fails), up to
 * `base`, must resolve inside. Creating the rest then cannot leave `base`.
 */
export async function creatableInside(p: string, base: string, realBase: string): Promise<boolean> {
  for (let at = p; isInside(at, base); at = path.dirname(at)) {
    const exists = await lstat(at).then(
      () => true,
      () => false,
    );
    if (exists) return (await realPathInside(at, realBase)) !== null;
    if (at === base) return true;
  }
  return false;
}

import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { invalid, SinewError } from '../errors/sinew-error.js';
import type { ConfigSetter, LinkRole } from '../model/link.js';
import { CONFINE_KEY, creatableInside, realPathInside, resolveUnder } from './builtin/confined-path.js';
import { refusedConfinedPath } from './builtin/directory-config.js';
import { builtinConnectors } from './builtin/registry.js';

/**
 * Where a tenant's file paths may lead (issue #12, docs/security.md): the built-in file connectors
 * (`csv`, `jsonl`) read and write the server's own disk, so a path a tenant sets is taken relative
 * to `<files.root>/tenants/<tenant>/` and may not leave it. Checked when the tenant links (an answer
 * that never depends on what exists outside its folder), and again by the connector itself each
 * time it runs (a symlink made after linking), through the `confine_to` key set here.
 */

export function usesLocalFiles(connectorId: string): boolean {
  return builtinConnectors.get(connectorId)?.localFiles === true;
}

/** A tenant's folder under the root. Tenant ids are checked (no `/`, no leading dot), so this stays under it. */
export function tenantFilesFolder(root: string, tenant: string): string {
  return path.join(root, 'tenants', tenant);
}

function rootNotSet(connectorId: string): SinewError {
  return new SinewError(
    'CONNECTOR_NOT_SUPPORTED',
    `${connectorId} works on files under the environment's files root, which its owner has not set (files.root in the environment settings): a tenant cannot use it until then`,
    { connector_id: connectorId, setting: 'files.root' },
  );
}

const isDirectory = (p: string): Promise<boolean> =>
  stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );

/**
 * A path a tenant links, checked against its folder. A source's directory must exist; a target's
 * (or a v2 connector's, which may be written to) may be made by its first run, as long as what
 * already exists of it stays inside. Every refusal is the same one answer.
 */
async function checkTenantPath(connectorId: string, config: Record<string, unknown>, role: LinkRole, folder: string): Promise<void> {
  const lexical = typeof config.path === 'string' ? resolveUnder(folder, config.path) : null;
  if (lexical === null) throw refusedConfinedPath(connectorId);
  const realFolder = await realpath(folder).catch(() => null);
  if (role === 'source') {
    const real = realFolder === null ? null : await realPathInside(lexical, realFolder);
    if (real === null || !(await isDirectory(real))) throw refusedConfinedPath(connectorId);
    return;
  }
  // No folder yet: nothing under it can lead out; the run makes it and checks again.
  if (realFolder === null) return;
  if (!(await creatableInside(lexical, folder, realFolder))) throw refusedConfinedPath(connectorId);
  const real = await realPathInside(lexical, realFolder);
  if (real !== null && !(await isDirectory(real))) throw refusedConfinedPath(connectorId);
}

/**
 * Link time: `confine_to` is Sinew's alone, and a tenant's path must stay in its folder (with no
 * root set, a tenant cannot link a file connector at all). The owner's paths are not confined.
 */
export async function checkLinkedPaths(
  connectorId: string,
  config: Record<string, unknown>,
  link: { role: LinkRole; tenant: string; setBy: ConfigSetter; root: string | null },
): Promise<void> {
  if (!usesLocalFiles(connectorId)) return;
  if (Object.hasOwn(config, CONFINE_KEY)) {
    throw invalid(`${connectorId}: config.${CONFINE_KEY} is set by Sinew when the connector runs, never by a link`, { field: CONFINE_KEY });
  }
  if (link.setBy === 'owner') return;
  if (link.root === null) throw rootNotSet(connectorId);
  await checkTenantPath(connectorId, config, link.role, tenantFilesFolder(link.root, link.tenant));
}

/** Whose path a job's merged config carries: an override that sets `path` decides, else the base config. */
export function pathSetter(base: ConfigSetter, override: Record<string, unknown> | null, overrideSetBy: ConfigSetter): ConfigSetter {
  return override !== null && Object.hasOwn(override, 'path') ? overrideSetBy : base;
}

/**
 * Run time (a job's plan, a discover): the config a built-in file connector gets. A tenant's path
 * is confined to its folder — by its real path when it exists, so that paths the connector
 * reports start with a config value, which scrubbing hides from the tenant. An owner's is not, and
 * a `confine_to` that came with any config (an override) is dropped either way.
 */
export async function runConfig(
  connectorId: string,
  config: Record<string, unknown>,
  paths: { setBy: ConfigSetter; root: string | null; tenant: string },
): Promise<Record<string, unknown>> {
  if (!usesLocalFiles(connectorId)) return config;
  const { [CONFINE_KEY]: _dropped, ...rest } = config;
  if (paths.setBy === 'owner') return rest;
  if (paths.root === null) throw rootNotSet(connectorId);
  const folder = tenantFilesFolder(paths.root, paths.tenant);
  return { ...rest, [CONFINE_KEY]: await realpath(folder).catch(() => folder) };
}

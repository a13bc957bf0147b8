/**
 * Where a registered connector's executable comes from when Sinew installs it (issue #18): a pip
 * requirement or local package, an npm package spec or local package, or a local directory or
 * archive copied as it is. Sinew builds an environment of its own per connector and spec.
 */
export type InstallSpec = { pip: string } | { npm: string } | { path: string };

export type InstallStatus = 'installing' | 'installed' | 'failed';

/** A connector's install as its definition keeps it (the store survives restarts). */
export interface ConnectorInstall {
  spec: InstallSpec;
  /** The first 16 hex digits of the spec's SHA-256: the environment's folder under the data dir. */
  hash: string;
  status: InstallStatus;
  requested_at: string;
  started_at?: string;
  finished_at?: string;
  /** The last lines pip, npm or the copy printed (URL credentials masked). */
  log_tail: string[];
  /** Why it failed, in one line. */
  error?: string;
}

export function installManager(spec: InstallSpec): 'pip' | 'npm' | 'path' {
  return 'pip' in spec ? 'pip' : 'npm' in spec ? 'npm' : 'path';
}

export function installTarget(spec: InstallSpec): string {
  return 'pip' in spec ? spec.pip : 'npm' in spec ? spec.npm : spec.path;
}

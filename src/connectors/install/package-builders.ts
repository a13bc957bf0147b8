import fs from 'node:fs/promises';
import path from 'node:path';
import { type InstallSpec, installManager, installTarget } from '../../model/connector-install.js';
import { hostEnvironment } from '../connector-environment.js';
import type { InstallLog } from './install-log.js';
import { absoluteLocalTarget, binDir } from './install-spec.js';
import { type InstallStepOptions, runInstallStep } from './install-step.js';

export interface BuildSettings {
  /** SINEW_PIP_FIND_LINKS: pip installs with `--no-index --find-links <dir>`: a local package index. */
  pipFindLinks?: string | undefined;
  timeoutMs: number;
}

/** pip's settings about where packages come from and how they are fetched; nothing that says where they go. */
const PIP_INDEX_SETTING =
  /^PIP_(INDEX_URL|EXTRA_INDEX_URL|FIND_LINKS|NO_INDEX|TRUSTED_HOST|CERT|CLIENT_CERT|PROXY|DEFAULT_TIMEOUT|RETRIES|CACHE_DIR)$/;
/** npm's, likewise: registries (scoped too), certificates, proxies, cache and fetch behaviour. */
const NPM_INDEX_SETTING =
  /^npm_config_(registry|@[^:]+:registry|cafile|ca|cert|proxy|https_proxy|noproxy|strict_ssl|offline|prefer_offline|cache|fetch_[a-z_]+)$/i;

/**
 * The owner's package-index settings pass to pip and npm (a private index, its CA); nothing else
 * of this process's environment beyond what any connector sees (connector-environment.ts). Not
 * every npm_config_*: a Sinew started by `npm start` has npm's own (`npm_config_local_prefix`…)
 * naming Sinew's folder, and an install handed those worked on Sinew's node_modules.
 */
export function installEnvironment(source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env = hostEnvironment(source);
  for (const [k, v] of Object.entries(source)) if (v !== undefined && (PIP_INDEX_SETTING.test(k) || NPM_INDEX_SETTING.test(k))) env[k] = v;
  return env;
}

/** Builds the connector's environment in `dir` (empty, made by the caller). */
export async function buildEnvironment(
  dir: string,
  spec: InstallSpec,
  settings: BuildSettings,
  log: InstallLog,
  signal: AbortSignal,
): Promise<void> {
  const step: InstallStepOptions = { cwd: dir, env: installEnvironment(), log, signal, timeoutMs: settings.timeoutMs };
  const target = absoluteLocalTarget(installTarget(spec));
  switch (installManager(spec)) {
    case 'pip': {
      await runInstallStep(['python3', '-m', 'venv', path.join(dir, 'venv')], step);
      const index = settings.pipFindLinks ? ['--no-index', '--find-links', settings.pipFindLinks] : [];
      await runInstallStep(
        [path.join(binDir(dir, spec), 'python'), '-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', ...index, target],
        step,
      );
      return;
    }
    case 'npm':
      // Its own package.json, so npm installs here and does not look for a project above.
      await fs.writeFile(path.join(dir, 'package.json'), '{ "private": true }\n');
      await runInstallStep(['npm', 'install', '--prefix', dir, '--no-audit', '--no-fund', '--install-links', '--omit=dev', target], step);
      return;
    case 'path':
      await copyLocal(target, path.join(dir, 'files'), step);
  }
}

const ARCHIVE = /\.(tar|tgz|tar\.gz|tar\.bz2|tar\.xz)$/i;

/** A directory is copied, a tar archive unpacked, a zip archive unzipped (python3's zipfile). */
async function copyLocal(source: string, into: string, step: InstallStepOptions): Promise<void> {
  const stat = await fs.stat(source).catch(() => null);
  if (!stat) throw new Error(`${source} does not exist`);
  if (stat.isDirectory()) {
    step.log.note(`copying ${source}`);
    await fs.cp(source, into, { recursive: true, preserveTimestamps: true });
    return;
  }
  await fs.mkdir(into);
  if (ARCHIVE.test(source)) return runInstallStep(['tar', '-xf', source, '-C', into], step);
  if (/\.zip$/i.test(source)) return runInstallStep(['python3', '-m', 'zipfile', '-e', source, into], step);
  throw new Error(`${source} is neither a directory nor a .tar, .tgz, .tar.gz, .tar.bz2, .tar.xz or .zip archive`);
}

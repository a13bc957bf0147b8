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

/**
 * The owner's package-index settings pass to pip and npm (a private index, its CA); nothing else
 * of this process's environment beyond what any connector sees (connector-environment.ts).
 */
function installEnvironment(source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env = hostEnvironment(source);
  for (const [k, v] of Object.entries(source)) if (v !== undefined && /^(PIP_|npm_config_|NPM_CONFIG_)/.test(k)) env[k] = v;
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

import crypto from 'node:crypto';
import path from 'node:path';
import { invalid } from '../../errors/sinew-error.js';
import { type InstallSpec, installManager, installTarget } from '../../model/connector-install.js';

/** A spec as a request gave it: exactly one of pip, npm, path, a non-empty string without NUL or line breaks. */
export function readInstallSpec(input: Record<string, unknown>): InstallSpec {
  const keys = Object.keys(input);
  const [key] = keys;
  if (keys.length !== 1 || (key !== 'pip' && key !== 'npm' && key !== 'path')) {
    throw invalid('install takes exactly one of pip, npm or path', { field: 'install' });
  }
  const value = input[key];
  if (typeof value !== 'string' || value.trim() === '' || /[\0\r\n]/.test(value)) {
    throw invalid(`install.${key} must be a requirement, package spec or path on one line`, { field: `install.${key}` });
  }
  // An option would be read as one by pip or npm (e.g. --index-url): only a package or a path.
  if (value.startsWith('-')) throw invalid(`install.${key} must not start with -`, { field: `install.${key}` });
  return { [key]: value.trim() } as InstallSpec;
}

/** The environment's folder name: the same spec installs to the same folder, another spec beside it. */
export function installHash(spec: InstallSpec): string {
  return crypto
    .createHash('sha256')
    .update(`${installManager(spec)}\0${installTarget(spec)}`)
    .digest('hex')
    .slice(0, 16);
}

/** `<data dir>/connectors/<env>/<connector>/<hash>`: ids are checked (no slashes), so this stays inside. */
export function installDir(dataDir: string, envId: string, connectorId: string, hash: string): string {
  return path.join(dataDir, 'connectors', encodeURIComponent(envId), encodeURIComponent(connectorId), hash);
}

/** Where the executables of an environment are: the venv's bin, npm's .bin, the copied files. */
export function binDir(dir: string, spec: InstallSpec): string {
  const manager = installManager(spec);
  return manager === 'pip'
    ? path.join(dir, 'venv', 'bin')
    : manager === 'npm'
      ? path.join(dir, 'node_modules', '.bin')
      : path.join(dir, 'files');
}

/**
 * The argv that runs the installed connector: a bare program name is looked up in the
 * environment's executables, a relative path is taken inside the environment, an absolute one as it is.
 */
export function installedCommand(dir: string, spec: InstallSpec, command: string[]): string[] {
  const [program, ...args] = command;
  if (program === undefined) throw invalid('command needs a program', { field: 'command' });
  if (path.isAbsolute(program)) return command;
  const resolved = program.includes('/') ? path.resolve(binDir(dir, spec), program) : path.join(binDir(dir, spec), program);
  if (!resolved.startsWith(`${dir}${path.sep}`)) throw invalid('command must stay inside the connector environment', { field: 'command' });
  return [resolved, ...args];
}

/** A local path in a spec, made absolute: pip and npm run in the environment's folder, not here. */
export function absoluteLocalTarget(target: string): string {
  const local = target.startsWith('.') || target.startsWith('/') || target.startsWith('~');
  return local && !target.startsWith('~') ? path.resolve(target) : target;
}

import { lstat, mkdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { invalid, SinewError } from '../../errors/sinew-error.js';
import { CONFINE_KEY, creatableInside, realPathInside, resolveUnder } from './confined-path.js';

/** The directory a file connector works in, and the check each file gets just before it is opened. */
export interface FileDirectory {
  path: string;
  /** The path to open for `file` (a file of this directory): its real path when confined, refused if it leads out. */
  checkedFile(file: string): Promise<string>;
}

function requiredPath(config: Record<string, unknown>, connectorId: string): string {
  const p = config.path;
  if (typeof p !== 'string' || p.trim() === '') {
    throw invalid(`${connectorId}: config.path is required (the directory holding the files)`, { field: 'path' });
  }
  return p;
}

/** `config.confine_to` (confined-path.ts), or null when the path is not confined. */
function confinementOf(config: Record<string, unknown>, connectorId: string): string | null {
  const base = config[CONFINE_KEY];
  if (base === undefined || base === null) return null;
  if (typeof base !== 'string' || !path.isAbsolute(base)) {
    throw invalid(`${connectorId}: config.${CONFINE_KEY} must be an absolute path`, { field: CONFINE_KEY });
  }
  return path.resolve(base);
}

/**
 * The one answer for a confined path that cannot be used, whatever the reason (outside, a symlink
 * out, missing, not a directory): the caller is a tenant, who must learn nothing of the server's files.
 */
export function refusedConfinedPath(connectorId: string): SinewError {
  return invalid(
    `${connectorId}: config.path must name a folder inside the tenant's own files folder, given relative to it (e.g. "exports"); it may not leave that folder`,
    { field: 'path' },
  );
}

/** A confined directory's file, checked just before it is opened: a symlink (or a swap) that leads out is refused. */
function confinedFiles(connectorId: string, realBase: string): FileDirectory['checkedFile'] {
  return async (file) => {
    const real = await realPathInside(file, realBase);
    if (real === null) throw refusedConfinedPath(connectorId);
    return real;
  };
}

/**
 * The directory of a file source: `config.path`, which must be an existing directory. Checked up
 * front so that a bad config fails clearly, not with ENOENT halfway through a job. Confined, it
 * is the directory's real path, inside the confinement.
 */
export async function openSourceDirectory(config: Record<string, unknown>, connectorId: string): Promise<FileDirectory> {
  const p = requiredPath(config, connectorId);
  const base = confinementOf(config, connectorId);
  if (base !== null) {
    const lexical = resolveUnder(base, p);
    const realBase = await realpath(base).catch(() => null);
    const real = lexical !== null && realBase !== null ? await realPathInside(lexical, realBase) : null;
    if (
      real === null ||
      realBase === null ||
      !(await stat(real).then(
        (s) => s.isDirectory(),
        () => false,
      ))
    )
      throw refusedConfinedPath(connectorId);
    return { path: real, checkedFile: confinedFiles(connectorId, realBase) };
  }
  // Not confined: the owner's path, and the owner may be told what is wrong with it.
  const isDirectory = await stat(p).then(
    (s) => s.isDirectory(),
    () => null,
  );
  if (isDirectory === null) throw invalid(`${connectorId}: config.path "${p}" does not exist`, { field: 'path', path: p });
  if (!isDirectory) throw invalid(`${connectorId}: config.path "${p}" is not a directory`, { field: 'path', path: p });
  return { path: p, checkedFile: async (file) => file };
}

async function makeDirectory(p: string, connectorId: string): Promise<void> {
  try {
    await mkdir(p, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') {
      throw invalid(`${connectorId}: config.path "${p}" is not a directory`, { field: 'path', path: p });
    }
    throw new SinewError(
      'CONNECTOR_FAILED',
      `${connectorId}: could not create the directory "${p}" (${code ?? (error as Error).message})`,
      { path: p },
    );
  }
}

/**
 * The directory of a file target: `config.path`, created with its parents when missing, so that a
 * first run into a new folder just works. Confined, nothing is created unless what already exists
 * of the path stays inside the confinement, and the result is checked again once made.
 */
export async function openTargetDirectory(config: Record<string, unknown>, connectorId: string): Promise<FileDirectory> {
  const p = requiredPath(config, connectorId);
  const base = confinementOf(config, connectorId);
  if (base === null) {
    await makeDirectory(p, connectorId);
    return { path: p, checkedFile: async (file) => file };
  }
  const lexical = resolveUnder(base, p);
  if (lexical === null) throw refusedConfinedPath(connectorId);
  // The tenant's own folder is Sinew's to make (under the owner's root); a failure says nothing more.
  const realBase = await mkdir(base, { recursive: true })
    .then(() => realpath(base))
    .catch(() => null);
  if (realBase === null || !(await creatableInside(lexical, base, realBase))) throw refusedConfinedPath(connectorId);
  await mkdir(lexical, { recursive: true }).catch(() => undefined);
  const real = await realPathInside(lexical, realBase);
  if (
    real === null ||
    !(await stat(real).then(
      (s) => s.isDirectory(),
      () => false,
    ))
  )
    throw refusedConfinedPath(connectorId);
  return { path: real, checkedFile: targetFiles(connectorId, realBase) };
}

/** A target's file may not exist yet (it is created on open); one that exists must not lead out. */
function targetFiles(connectorId: string, realBase: string): FileDirectory['checkedFile'] {
  const existing = confinedFiles(connectorId, realBase);
  return async (file) => {
    // lstat, not realpath: a dangling symlink exists, and opening it would create its target.
    const exists = await lstat(file).then(
      () => true,
      (e: NodeJS.ErrnoException) => e.code !== 'ENOENT',
    );
    return exists ? existing(file) : file;
  };
}

/** The JSON Schema fragment of `path`, shared by every directory-based connector's `config_schema`. */
export const directoryPathSchema = {
  type: 'string',
  minLength: 1,
  description: "Directory holding one file per stream. A tenant's path is relative to its own folder under the environment's files root.",
} as const;

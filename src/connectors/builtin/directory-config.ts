import { statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { SinewError, invalid } from '../../errors/sinew-error.js';

function requiredPath(config: Record<string, unknown>, connectorId: string): string {
  const path = config.path;
  if (typeof path !== 'string' || path.trim() === '') {
    throw invalid(`${connectorId}: config.path is required (the directory holding the files)`, { field: 'path' });
  }
  return path;
}

/**
 * Reads and checks `config.path` of the file sources: it must name an existing directory.
 * Checked up front so that a bad link fails with a clear 400, not with ENOENT halfway through a job.
 */
export function readDirectoryPath(config: Record<string, unknown>, connectorId: string): string {
  const path = requiredPath(config, connectorId);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    throw invalid(`${connectorId}: config.path "${path}" does not exist`, { field: 'path', path });
  }
  if (!isDirectory) {
    throw invalid(`${connectorId}: config.path "${path}" is not a directory`, { field: 'path', path });
  }
  return path;
}

/**
 * `config.path` of the file targets: the directory they write into, created with its parents when
 * missing, so that a first run into a new folder just works. Something else in the way (a file) is
 * a bad config; a directory that cannot be created (permissions) fails the run with the reason.
 */
export async function prepareTargetDirectory(config: Record<string, unknown>, connectorId: string): Promise<string> {
  const path = requiredPath(config, connectorId);
  try {
    await mkdir(path, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') {
      throw invalid(`${connectorId}: config.path "${path}" is not a directory`, { field: 'path', path });
    }
    throw new SinewError('CONNECTOR_FAILED', `${connectorId}: could not create the directory "${path}" (${code ?? (error as Error).message})`, { path });
  }
  return path;
}

/** The JSON Schema fragment of `path`, shared by every directory-based connector's `config_schema`. */
export const directoryPathSchema = {
  type: 'string',
  minLength: 1,
  description: 'Directory holding one file per stream.',
} as const;

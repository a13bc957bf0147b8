import { statSync } from 'node:fs';
import { invalid } from '../../errors/sinew-error.js';

/**
 * Reads and checks `config.path` of the file connectors: it must name an existing directory.
 * Checked up front so that a bad link fails with a clear 400, not with ENOENT halfway through a job.
 */
export function readDirectoryPath(config: Record<string, unknown>, connectorId: string): string {
  const path = config.path;
  if (typeof path !== 'string' || path.trim() === '') {
    throw invalid(`${connectorId}: config.path is required (the directory holding the files)`, { field: 'path' });
  }
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

/** The JSON Schema fragment of `path`, shared by every directory-based connector's `config_schema`. */
export const directoryPathSchema = {
  type: 'string',
  minLength: 1,
  description: 'Directory holding one file per stream.',
} as const;

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SinewError } from '../../errors/sinew-error.js';

export interface StreamFile {
  stream: string;
  file: string;
}

/** One stream per `*<extension>` file in `directory` (stream = file name without extension), by name. */
export async function listStreamFiles(directory: string, extension: string): Promise<StreamFile[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.toLowerCase().endsWith(extension) && e.name.length > extension.length)
    .map((e) => ({ stream: e.name.slice(0, -extension.length), file: join(directory, e.name) }))
    .sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0));
}

/** A character that may not appear in a stream's file name (path separators, control characters…). */
const UNSAFE = /[^A-Za-z0-9._ -]/g;

/**
 * The file a target writes a stream into. Stream names come from untrusted taps and API bodies, so
 * anything that could leave the directory (`/`, `..`) is replaced rather than trusted.
 */
export function streamFilePath(directory: string, stream: string, extension: string): string {
  const name = stream.replace(UNSAFE, '_');
  if (name === '' || /^\.+$/.test(name)) {
    throw new SinewError('CONNECTOR_FAILED', `stream name "${stream}" cannot be used as a file name`, { stream });
  }
  return join(directory, name + extension);
}

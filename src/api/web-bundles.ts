import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { SinewError } from '../errors/sinew-error.js';

/**
 * The browser faces' built files (dist/public, written by scripts/build-web.ts at `npm ci` /
 * `npm run build:web`). This module runs as src/api/*.ts or as the compiled dist/api/*.js, both
 * two levels under the repository, so one relative URL finds the files from either.
 */
const WEB_DIR = new URL('../../dist/public/', import.meta.url);

/** The built browser files the API serves (`widget.js`, `dashboard.js`). */
export interface WebFiles {
  read(file: 'widget.js' | 'dashboard.js'): Promise<Buffer>;
}

/** A server built without them (tests of the API alone) still documents the routes, and answers 404. */
export const NO_WEB_FILES: WebFiles = {
  read: async () => Promise.reject(new SinewError('NOT_FOUND', 'this server does not serve the web files')),
};

/** Reads each file once; a missing build is a clear error, and is looked for again next time. */
export class WebBundles implements WebFiles {
  private readonly files = new Map<string, Promise<Buffer>>();

  read(file: 'widget.js' | 'dashboard.js'): Promise<Buffer> {
    let cached = this.files.get(file);
    if (!cached) {
      cached = readFile(fileURLToPath(new URL(file, WEB_DIR))).catch((e: NodeJS.ErrnoException) => {
        this.files.delete(file);
        if (e.code === 'ENOENT') throw new SinewError('NOT_FOUND', `${file} is not built: run \`npm run build:web\` (npm ci does it)`);
        throw e;
      });
      this.files.set(file, cached);
    }
    return cached;
  }
}

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BlobStorage } from './blob-storage.js';
import { LocalBlobStorage } from './local-blob-storage.js';

/** `file:///dir` (or nothing: `<dataDir>/storage`) → local disk. S3 arrives with production mode. */
export function openBlobStorage(opts: { storageUrl?: string; dataDir: string }): BlobStorage {
  const url = opts.storageUrl;
  if (!url) return new LocalBlobStorage(path.join(opts.dataDir, 'storage'));
  if (url.startsWith('file://')) return new LocalBlobStorage(fileURLToPath(url));
  throw new Error(`SINEW_STORAGE_URL scheme not supported yet: ${url.split(':')[0]}`);
}

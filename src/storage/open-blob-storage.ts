import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BlobStorage } from './blob-storage.js';
import { LocalBlobStorage } from './local-blob-storage.js';
import { type S3EnvSettings, s3ConnectionFromUrl } from './s3-connection.js';

/**
 * `file:///dir` (or nothing: `<dataDir>/storage`) → local disk; `s3://bucket/prefix` → S3, with
 * endpoint, region, credentials and path style from `SINEW_S3_*` (`opts.s3`). The S3 adapter is
 * imported only when it is asked for: the AWS SDK takes ~0.2 s to load, a third of an embedded
 * start-up that never uses it.
 */
export async function openBlobStorage(opts: { storageUrl?: string; dataDir: string; s3?: S3EnvSettings }): Promise<BlobStorage> {
  const url = opts.storageUrl;
  if (!url) return new LocalBlobStorage(path.join(opts.dataDir, 'storage'));
  if (url.startsWith('file://')) return new LocalBlobStorage(fileURLToPath(url));
  if (url.startsWith('s3://')) {
    const connection = s3ConnectionFromUrl(url, opts.s3);
    const { S3BlobStorage } = await import('./s3-blob-storage.js');
    return new S3BlobStorage(connection);
  }
  throw new Error(`SINEW_STORAGE_URL scheme not supported: ${url.split(':')[0]} (use file:// or s3://)`);
}

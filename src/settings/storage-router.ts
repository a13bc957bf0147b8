import { createHash } from 'node:crypto';
import { REDACTED } from '../crypto/config-redaction.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { notFound, SinewError } from '../errors/sinew-error.js';
import type { BlobStorage } from '../storage/blob-storage.js';
import { PrefixedBlobStorage } from '../storage/prefixed-blob-storage.js';
import type { S3BlobStorage, S3BlobStorageOptions } from '../storage/s3-blob-storage.js';
import { normalizePrefix, type S3Connection } from '../storage/s3-connection.js';
import type { Store } from '../store/store.js';
import { environmentSettings, type StorageSettings } from './environment-settings.js';
import { openSettings } from './settings-secrets.js';

interface CachedStorage {
  fingerprint: string;
  storage: Promise<S3BlobStorage>;
}

/** The S3 connection an environment's storage section names, or undefined for the default storage. */
export function customS3Connection(section: StorageSettings): S3Connection | undefined {
  if (section.type !== 's3') return undefined;
  const { bucket, region, access_key_id: accessKeyId, secret_access_key: secretAccessKey } = section;
  if (!bucket || !region || !accessKeyId || !secretAccessKey || secretAccessKey === REDACTED) {
    throw new SinewError(
      'VALIDATION_FAILED',
      'the custom storage settings are incomplete: bucket, region, access_key_id and secret_access_key are required',
      {
        storage: 's3',
        ...(bucket ? { bucket } : {}),
      },
    );
  }
  return {
    bucket,
    prefix: normalizePrefix(section.prefix),
    region,
    endpoint: section.endpoint,
    forcePathStyle: section.force_path_style,
    credentials: { accessKeyId, secretAccessKey },
  };
}

/**
 * Which blob storage an environment's job data goes to: its own S3 bucket when its settings' custom
 * storage says so (seeds/000), else the server's default storage. Clients are cached per environment
 * and rebuilt when the storage section changes (a hash of it, kept only in memory); a new client
 * checks the bucket first, so wrong credentials or a missing bucket fail with a clear message.
 */
/** What job code needs of the router: the storage of one environment. */
export interface StorageForEnvironment {
  forEnvironment(envId: string): Promise<BlobStorage>;
}

export class StorageRouter implements StorageForEnvironment {
  private readonly cache = new Map<string, CachedStorage>();
  /** The server's own storage (`SINEW_STORAGE_URL`), for environments without custom storage. */
  readonly default: BlobStorage;

  constructor(
    private readonly store: Pick<Store, 'environments'>,
    defaultStorage: BlobStorage,
    /** Opens the settings' sealed S3 secret key. */
    private readonly box: SecretBox,
    private readonly s3Options: S3BlobStorageOptions = {},
  ) {
    this.default = defaultStorage;
  }

  async forEnvironment(envId: string): Promise<BlobStorage> {
    const env = await this.store.environments.get(envId);
    if (!env) throw notFound('environment', { env_id: envId });
    const section = environmentSettings(openSettings(this.box, env.settings)).storage;
    const connection = customS3Connection(section);
    if (!connection) {
      this.cache.delete(envId);
      // The server's storage is shared: each environment gets its own folder in it.
      return new PrefixedBlobStorage(this.default, envId);
    }
    const fingerprint = createHash('sha256').update(JSON.stringify(connection)).digest('hex');
    const cached = this.cache.get(envId);
    if (cached && cached.fingerprint === fingerprint) return cached.storage;
    // The replaced client is left to finish what it is doing (a running job may still hold it).
    const storage = (async () => {
      // Imported on first use: the AWS SDK is slow to load and most servers never need it.
      const { S3BlobStorage } = await import('../storage/s3-blob-storage.js');
      const s3 = new S3BlobStorage(connection, this.s3Options);
      try {
        await s3.check();
      } catch (e) {
        s3.close();
        throw e;
      }
      return s3;
    })();
    const entry = { fingerprint, storage };
    this.cache.set(envId, entry);
    // A failure is not cached: the next call tries again (the bucket may be created meanwhile).
    storage.catch(() => {
      if (this.cache.get(envId) === entry) this.cache.delete(envId);
    });
    return storage;
  }

  /** Closes every cached client (at shutdown). */
  async close(): Promise<void> {
    const entries = [...this.cache.values()];
    this.cache.clear();
    for (const entry of entries) {
      const s3 = await entry.storage.catch(() => undefined);
      s3?.close();
    }
  }
}

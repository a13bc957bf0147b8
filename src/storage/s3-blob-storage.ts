import type { Readable } from 'node:stream';
import {
  DeleteObjectsCommand,
  type DeleteObjectsCommandOutput,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { BlobEntry, BlobStorage, JobWorkspace } from './blob-storage.js';
import { createS3Client } from './s3-client.js';
import { describeS3Connection, type S3Connection } from './s3-connection.js';
import { isS3NotFound, s3Failure } from './s3-error.js';
import { openS3Workspace } from './s3-workspace.js';
import { checkStorageKey } from './storage-key.js';

export interface S3BlobStorageOptions {
  /** Multipart part size in bytes (S3's minimum is 5 MiB). Memory held by one upload ≈ partSize × queueSize. */
  partSize?: number;
  /** Parts uploaded in parallel by one `putStream`. */
  queueSize?: number;
  /** Keys per ListObjectsV2 page (S3's maximum and default is 1000). */
  listPageSize?: number;
  /** Keys per DeleteObjects call (S3's maximum is 1000). */
  deleteBatchSize?: number;
  /** Where workspaces are made (default: the OS temp dir). */
  workspaceRoot?: string;
}

const MIB = 1024 * 1024;

/**
 * Blob storage in an S3 bucket (AWS or S3-compatible) under a key prefix. Everything streams: uploads
 * of unknown length go multipart with a bounded number of parts in memory, downloads hand out the
 * response body. A single PutObject / completed multipart upload is atomic: readers see the old
 * object or the new one, never half of it.
 */
export class S3BlobStorage implements BlobStorage {
  readonly kind = 's3' as const;
  readonly client: S3Client;
  private readonly partSize: number;
  private readonly queueSize: number;
  private readonly listPageSize: number;
  private readonly deleteBatchSize: number;

  constructor(
    readonly connection: S3Connection,
    private readonly options: S3BlobStorageOptions = {},
  ) {
    this.client = createS3Client(connection);
    this.partSize = Math.max(5 * MIB, options.partSize ?? 8 * MIB);
    this.queueSize = Math.max(1, options.queueSize ?? 2);
    this.listPageSize = Math.min(1000, Math.max(1, options.listPageSize ?? 1000));
    this.deleteBatchSize = Math.min(1000, Math.max(1, options.deleteBatchSize ?? 1000));
  }

  get bucket(): string {
    return this.connection.bucket;
  }

  /** The object key of a storage key: the connection's prefix, then the key. */
  private objectKey(key: string): string {
    checkStorageKey(key);
    const { prefix } = this.connection;
    if (!prefix) return key;
    return key ? `${prefix}/${key}` : prefix;
  }

  /** The object-key prefix of everything "inside" a storage key, as a folder. */
  private folderOf(key: string): string {
    const trimmed = key.replace(/\/+$/, '');
    const base = this.objectKey(trimmed);
    return base ? `${base}/` : '';
  }

  private storageKeyOf(objectKey: string): string {
    const { prefix } = this.connection;
    return prefix ? objectKey.slice(prefix.length + 1) : objectKey;
  }

  /** Fails with a clear SinewError when the bucket is missing, unreachable or the credentials are refused. */
  async check(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (e) {
      throw s3Failure(e, this.bucket, 'check the bucket');
    }
  }

  async put(key: string, body: Buffer | string): Promise<void> {
    const Key = this.objectKey(key);
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key, Body: body }));
    } catch (e) {
      throw s3Failure(e, this.bucket, 'write an object');
    }
  }

  async putStream(key: string, body: Readable): Promise<void> {
    const Key = this.objectKey(key);
    // Small bodies become one PutObject; larger ones go multipart, `queueSize` parts in flight.
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key, Body: body },
      partSize: this.partSize,
      queueSize: this.queueSize,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (e) {
      throw s3Failure(e, this.bucket, 'upload an object');
    }
  }

  async get(key: string): Promise<Buffer | undefined> {
    const Key = this.objectKey(key);
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key }));
      if (!res.Body) return Buffer.alloc(0);
      return Buffer.from(await res.Body.transformToByteArray());
    } catch (e) {
      if (isS3NotFound(e)) return undefined;
      throw s3Failure(e, this.bucket, 'read an object');
    }
  }

  async getStream(key: string): Promise<Readable | undefined> {
    const Key = this.objectKey(key);
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key }));
      // In Node the body is the HTTP response itself: a Readable nobody has buffered.
      return res.Body as Readable | undefined;
    } catch (e) {
      if (isS3NotFound(e)) return undefined;
      throw s3Failure(e, this.bucket, 'read an object');
    }
  }

  /** Every page of object keys under an object-key prefix, one ListObjectsV2 call at a time. */
  private async *pages(objectPrefix: string): AsyncGenerator<Array<{ Key: string; Size: number; LastModified?: Date }>> {
    let token: string | undefined;
    do {
      let res: ListObjectsV2CommandOutput;
      try {
        res = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: objectPrefix || undefined,
            ContinuationToken: token,
            MaxKeys: this.listPageSize,
          }),
        );
      } catch (e) {
        throw s3Failure(e, this.bucket, 'list objects');
      }
      const page = (res.Contents ?? [])
        // "Folder" markers made by consoles are not blobs.
        .filter((o) => o.Key !== undefined && !o.Key.endsWith('/'))
        .map((o) => ({ Key: o.Key as string, Size: o.Size ?? 0, LastModified: o.LastModified }));
      yield page;
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
  }

  async list(prefix: string): Promise<BlobEntry[]> {
    const out: BlobEntry[] = [];
    for await (const page of this.pages(this.folderOf(prefix))) {
      for (const o of page)
        out.push({ key: this.storageKeyOf(o.Key), size: o.Size, ...(o.LastModified ? { updated: o.LastModified.toISOString() } : {}) });
    }
    // The same order as the local adapter, so that callers never depend on which one they have.
    return out.sort((a, b) => a.key.localeCompare(b.key));
  }

  /** Deletes exact storage keys, `deleteBatchSize` per DeleteObjects call. */
  async deleteKeys(keys: string[]): Promise<void> {
    await this.deleteObjects(keys.map((k) => this.objectKey(k)));
  }

  private async deleteObjects(objectKeys: string[]): Promise<void> {
    for (let i = 0; i < objectKeys.length; i += this.deleteBatchSize) {
      const batch = objectKeys.slice(i, i + this.deleteBatchSize);
      let res: DeleteObjectsCommandOutput;
      try {
        res = await this.client.send(
          new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
        );
      } catch (e) {
        throw s3Failure(e, this.bucket, 'delete objects');
      }
      const failed = res.Errors ?? [];
      const [first] = failed;
      if (first) throw s3Failure({ name: first.Code ?? 'DeleteFailed' }, this.bucket, `delete ${failed.length} object(s)`);
    }
  }

  async deletePrefix(prefix: string): Promise<void> {
    // Like `rm -r` on the local disk: the key itself (a file) and everything under it (a folder).
    const exact = prefix.replace(/\/+$/, '');
    if (exact) await this.deleteObjects([this.objectKey(exact)]);
    // Each page is deleted before the next is asked for: memory stays at one page of keys.
    for await (const page of this.pages(this.folderOf(prefix))) {
      await this.deleteObjects(page.map((o) => o.Key));
    }
  }

  async openWorkspace(prefix: string): Promise<JobWorkspace> {
    return openS3Workspace(this, prefix, { root: this.options.workspaceRoot });
  }

  describe(): { url: string } {
    return { url: describeS3Connection(this.connection) };
  }

  /** Closes the client's sockets (the storage is unusable afterwards). */
  close(): void {
    this.client.destroy();
  }
}

import { S3Client } from '@aws-sdk/client-s3';
import type { S3Connection } from './s3-connection.js';

/**
 * One SDK client for a connection. Checksums are only sent where S3 requires them: the SDK's newer
 * default (a CRC trailer on every upload, aws-chunked bodies) is not understood by many
 * S3-compatible servers, and TLS plus Content-MD5 where required already guard the bytes.
 * Timeouts are bounded so that an unreachable endpoint fails a job in seconds, not minutes.
 */
export function createS3Client(c: S3Connection): S3Client {
  // Sinew runs on Node 20 by design; the SDK's "Node 22 will be required" notice would otherwise be
  // printed by every process that opens storage, in the middle of its JSON logs.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return new S3Client({
    region: c.region,
    ...(c.endpoint ? { endpoint: c.endpoint } : {}),
    ...(c.forcePathStyle !== undefined ? { forcePathStyle: c.forcePathStyle } : {}),
    ...(c.credentials ? { credentials: { accessKeyId: c.credentials.accessKeyId, secretAccessKey: c.credentials.secretAccessKey } } : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 120_000 },
  });
}

import { SinewError } from '../errors/sinew-error.js';

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

/** The S3 error name, whether the SDK parsed an XML body or (HEAD requests) only has a status. */
export function s3ErrorName(e: unknown): string {
  const err = (e ?? {}) as SdkErrorShape;
  // Network failures are plain Errors whose `code` says what happened (ECONNREFUSED, ENOTFOUND...).
  if ((!err.name || err.name === 'Error') && err.code) return err.code;
  return err.name ?? 'Error';
}

export function isS3NotFound(e: unknown): boolean {
  const name = s3ErrorName(e);
  return (
    name === 'NoSuchKey' || name === 'NotFound' || (name !== 'NoSuchBucket' && (e as SdkErrorShape)?.$metadata?.httpStatusCode === 404)
  );
}

/**
 * Turns an AWS SDK failure into a SinewError with a message an operator can act on. Built only from
 * the error's name, status and our own bucket name: SDK messages can quote request details, and
 * nothing here may ever carry the secret access key.
 */
export function s3Failure(e: unknown, bucket: string, action: string): SinewError {
  if (e instanceof SinewError) return e;
  const err = (e ?? {}) as SdkErrorShape;
  const name = s3ErrorName(e);
  const status = err.$metadata?.httpStatusCode;
  const details = { storage: 's3', bucket, reason: name, ...(status ? { http_status: status } : {}) };
  const where = `S3 bucket "${bucket}"`;
  if (UNREACHABLE.has(name) || name === 'TimeoutError' || name === 'RequestTimeout') {
    return new SinewError('UNAVAILABLE', `the S3 endpoint for ${where} is not reachable (${name}) while trying to ${action}`, details);
  }
  if (name === 'NoSuchBucket' || (name === 'NotFound' && action === 'check the bucket')) {
    return new SinewError('UNAVAILABLE', `${where} does not exist (NoSuchBucket): create it or fix the bucket name`, details);
  }
  if (name === 'InvalidAccessKeyId' || name === 'SignatureDoesNotMatch' || name === 'InvalidClientTokenId') {
    return new SinewError(
      'UNAVAILABLE',
      `S3 refused the credentials for ${where} (${name}): check the access key id and secret access key`,
      details,
    );
  }
  if (name === 'AccessDenied') {
    return new SinewError(
      'UNAVAILABLE',
      `access to ${where} is denied (AccessDenied): the credentials lack a permission needed to ${action}`,
      details,
    );
  }
  if (name === 'Forbidden' || status === 403) {
    // HEAD answers carry no error body: a 403 may be wrong credentials or a missing permission.
    return new SinewError(
      'UNAVAILABLE',
      `S3 refused access to ${where} (HTTP 403): check the access key id, the secret access key and the bucket's policy`,
      details,
    );
  }
  if (name === 'PermanentRedirect' || name === 'AuthorizationHeaderMalformed' || (status === 301 && name !== 'NoSuchKey')) {
    return new SinewError('UNAVAILABLE', `${where} is in another region than the one configured (${name})`, details);
  }
  if (name === 'CredentialsProviderError') {
    return new SinewError(
      'UNAVAILABLE',
      `no S3 credentials were found for ${where}: set SINEW_S3_ACCESS_KEY_ID/SINEW_S3_SECRET_ACCESS_KEY or the AWS credential chain`,
      details,
    );
  }
  return new SinewError('UNAVAILABLE', `S3 failed to ${action} in ${where} (${name}${status ? `, HTTP ${status}` : ''})`, details);
}

/**
 * Where and how to reach one S3 bucket: the options `S3BlobStorage` is built from, whether they come
 * from `SINEW_STORAGE_URL` + `SINEW_S3_*` or from an environment's custom storage settings.
 */
export interface S3Connection {
  bucket: string;
  /** Key prefix inside the bucket, without leading or trailing `/` ('' = the bucket's root). */
  prefix: string;
  region: string;
  /** An S3-compatible endpoint (MinIO, R2, a test server...); unset = AWS. */
  endpoint?: string;
  /** `https://endpoint/bucket/key` rather than `https://bucket.endpoint/key` (most non-AWS servers). */
  forcePathStyle?: boolean;
  /** Unset = the AWS SDK's default credential chain (env, profile, instance/task role...). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** The `SINEW_S3_*` variables: everything of an S3 connection except the bucket and prefix. */
export interface S3EnvSettings {
  endpoint?: string;
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle?: boolean;
}

const DEFAULT_REGION = 'us-east-1';

export function readS3EnvSettings(env: NodeJS.ProcessEnv): S3EnvSettings {
  const flag = env.SINEW_S3_FORCE_PATH_STYLE;
  return {
    endpoint: env.SINEW_S3_ENDPOINT || undefined,
    region: env.SINEW_S3_REGION || env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined,
    accessKeyId: env.SINEW_S3_ACCESS_KEY_ID || undefined,
    secretAccessKey: env.SINEW_S3_SECRET_ACCESS_KEY || undefined,
    forcePathStyle: flag === undefined || flag === '' ? undefined : flag === 'true' || flag === '1',
  };
}

export function normalizePrefix(prefix: string | undefined): string {
  return (prefix ?? '').replace(/^\/+|\/+$/g, '');
}

/**
 * `s3://bucket/some/prefix` (optionally `?endpoint=…&region=…&force_path_style=true`, the form
 * `describe()` prints) plus the `SINEW_S3_*` settings. The URL's query wins over the environment
 * variables; credentials never travel in the URL.
 */
export function s3ConnectionFromUrl(url: string, env: S3EnvSettings = {}): S3Connection {
  const parsed = new URL(url);
  const bucket = decodeURIComponent(parsed.hostname);
  if (parsed.protocol !== 's3:' || !bucket)
    throw new Error(`SINEW_STORAGE_URL must look like s3://bucket/prefix, got ${url.split('?')[0]}`);
  if (parsed.username || parsed.password)
    throw new Error('SINEW_STORAGE_URL must not hold credentials: use SINEW_S3_ACCESS_KEY_ID and SINEW_S3_SECRET_ACCESS_KEY');
  const q = parsed.searchParams;
  const pathStyle = q.get('force_path_style');
  const { accessKeyId, secretAccessKey } = env;
  if (Boolean(accessKeyId) !== Boolean(secretAccessKey)) {
    throw new Error('set both SINEW_S3_ACCESS_KEY_ID and SINEW_S3_SECRET_ACCESS_KEY, or neither (the AWS default credential chain)');
  }
  return {
    bucket,
    prefix: normalizePrefix(decodeURIComponent(parsed.pathname)),
    region: q.get('region') || env.region || DEFAULT_REGION,
    endpoint: q.get('endpoint') || env.endpoint,
    forcePathStyle: pathStyle !== null ? pathStyle === 'true' : env.forcePathStyle,
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
  };
}

/** The reopenable, secret-free description of a connection (see `BlobStorage.describe`). */
export function describeS3Connection(c: S3Connection): string {
  const q = new URLSearchParams();
  if (c.endpoint) q.set('endpoint', c.endpoint);
  q.set('region', c.region);
  if (c.forcePathStyle !== undefined) q.set('force_path_style', String(c.forcePathStyle));
  const prefix = c.prefix ? `/${c.prefix.split('/').map(encodeURIComponent).join('/')}` : '';
  return `s3://${c.bucket}${prefix}?${q.toString()}`;
}

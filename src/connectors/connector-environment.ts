import type { Job } from '../model/job.js';

/**
 * What a connector, an ETL script or a job process gets of this process's environment: an allow
 * list, not a deny list, because the host's environment is the owner's (cloud credentials, API
 * tokens of other systems, a database URL under any name) and a registered connector is code
 * Sinew does not trust. Only what programs need to run is passed: where things are, the locale,
 * the time zone, proxies and CA bundles, interpreter paths.
 */
const ALLOWED = new Set([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TERM',
  'TMPDIR',
  'TMP',
  'TEMP',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'all_proxy',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'REQUESTS_CA_BUNDLE',
  'CURL_CA_BUNDLE',
  'NODE_EXTRA_CA_CERTS',
  'PYTHONPATH',
  'PYTHONHOME',
  'PYTHONIOENCODING',
  'PYTHONUNBUFFERED',
  'VIRTUAL_ENV',
  'JAVA_HOME',
  'LD_LIBRARY_PATH',
  'SYSTEMROOT',
  'WINDIR',
  'COMSPEC',
  'PATHEXT',
]);
const ALLOWED_PREFIX = /^LC_/;

/**
 * Sinew's own secrets, withheld even when the owner names them in SINEW_CONNECTOR_ENV: its
 * settings and keys, the database (libpq's PG* variables, any *DATABASE_URL) and the AWS
 * credentials of its storage.
 */
const WITHHELD = /^SINEW_|^PG|^AWS_|DATABASE_URL$/;

/** Names the owner lets through as well (SINEW_CONNECTOR_ENV="NAME,OTHER"): a connector that needs them. */
function ownerAllowed(source: NodeJS.ProcessEnv): Set<string> {
  return new Set(
    (source.SINEW_CONNECTOR_ENV ?? '')
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n !== ''),
  );
}

/** This process's environment as any connector process may see it (see ALLOWED). */
export function hostEnvironment(source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const extra = ownerAllowed(source);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(source)) {
    if (v === undefined || WITHHELD.test(k)) continue;
    if (ALLOWED.has(k) || ALLOWED_PREFIX.test(k) || extra.has(k)) env[k] = v;
  }
  return env;
}

/** The environment a job's connectors and ETL run with: the host's basics plus the blueprint §5 variables. */
export function connectorEnvironment(job: Job, apiUrl: string): Record<string, string> {
  return {
    ...hostEnvironment(),
    TENANT: job.tenant,
    FLOW: job.flow_id,
    ENV_ID: job.env_id,
    JOB_ID: job.job_id,
    API_URL: apiUrl,
    JOB_ROOT: job.s3_root,
    SYNC_TYPE: job.sync_type,
    JOB_TYPE: job.job_type ?? 'read',
    CONNECTOR_ID: job.connector_id ?? '',
    TAP: job.tap ?? '',
    TARGET: job.target ?? '',
  };
}

import path from 'node:path';
import { SinewError } from '../errors/sinew-error.js';
import { type EventDeliveryConfig, readEventDeliveryConfig } from '../events/event-delivery-config.js';
import { readAllowLoopback } from '../outbound/loopback-flag.js';
import { type ConnectorUser, resolveConnectorUser } from '../runtime/connector-user.js';
import { readS3EnvSettings, type S3EnvSettings } from '../storage/s3-connection.js';

/** Everything Sinew reads from its environment, in one place, with the documented defaults. */
export interface RuntimeConfig {
  port: number;
  host: string;
  /**
   * The API's URL as jobs see it (`API_URL` for connectors and ETL scripts): a worker process has no
   * API of its own, so it is told where the API is. Default: this process's listening address.
   */
  apiUrl: string | undefined;
  dataDir: string;
  databaseUrl: string | undefined;
  /** PostgreSQL schema for Sinew's tables (default `public`). */
  databaseSchema: string | undefined;
  storageUrl: string | undefined;
  /** `SINEW_S3_*`: endpoint, region, credentials, path style of an `s3://` storage URL. */
  s3: S3EnvSettings;
  secretKey: string | undefined;
  bootstrapEnvId: string | undefined;
  bootstrapApiKey: string | undefined;
  workerConcurrency: number;
  /**
   * How long a worker's claim on a running job lasts without a heartbeat (renewed every third of it).
   * A worker that dies has its jobs ended or re-queued by the others within about 1⅓ × this.
   */
  workerLeaseMs: number;
  /** On SIGTERM, how long running jobs may take to finish before they are handed back to the queue. */
  workerGraceMs: number;
  /** How often the scheduler's process deletes what environments' retention settings no longer keep (src/retention). */
  retentionIntervalMs: number;
  logLevel: string;
  /** Ship the example environment/flow/tenant on first start (embedded default). */
  example: boolean;
  /**
   * SINEW_OUTBOUND_ALLOW_LOOPBACK (older name SINEW_WEBHOOK_ALLOW_LOOPBACK): every outbound
   * connection — connectors, webhooks, Datadog, Slack — may reach loopback. Default: true on the
   * embedded SQLite store, false on PostgreSQL (src/outbound/loopback-flag.ts).
   */
  allowLoopback: boolean;
  /** Event delivery (webhooks, Datadog, Slack): retry schedule, timeout, URL safety. */
  events: EventDeliveryConfig;
  /** SINEW_METRICS_TOKEN: a scrape of /metrics must present it as a bearer token (unset: open). */
  metricsToken: string | undefined;
  /** SINEW_METRICS_PORT: serve /metrics, /health and /ready on this port too (for processes without the API). */
  metricsPort: number | undefined;
  /** SINEW_CONNECTOR_USER: the unprivileged account registered connectors run as when Sinew runs as root. */
  connectorUser: ConnectorUser | null;
  /** SINEW_PIP_FIND_LINKS: connectors installed with pip come from this directory only (`--no-index --find-links`). */
  pipFindLinks: string | undefined;
}

export function readRuntimeConfig(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env.PORT}`);
  const concurrency = Number(env.SINEW_WORKER_CONCURRENCY ?? 2);
  const metricsPort = env.SINEW_METRICS_PORT ? Number(env.SINEW_METRICS_PORT) : undefined;
  if (metricsPort !== undefined && (!Number.isInteger(metricsPort) || metricsPort < 0 || metricsPort > 65535)) {
    throw new SinewError('VALIDATION_FAILED', `SINEW_METRICS_PORT must be a port number, got ${env.SINEW_METRICS_PORT}`);
  }
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    // SINEW_CONNECTOR_API_URL; SINEW_API_URL is its older name, easy to mistake for the CLI's SINEW_URL.
    apiUrl: env.SINEW_CONNECTOR_API_URL || env.SINEW_API_URL || undefined,
    dataDir: path.resolve(env.SINEW_DATA_DIR ?? '.sinew'),
    databaseUrl: env.SINEW_DATABASE_URL || undefined,
    databaseSchema: env.SINEW_DATABASE_SCHEMA || undefined,
    storageUrl: env.SINEW_STORAGE_URL || undefined,
    s3: readS3EnvSettings(env),
    secretKey: env.SINEW_SECRET_KEY || undefined,
    bootstrapEnvId: env.SINEW_ENV_ID || undefined,
    bootstrapApiKey: env.SINEW_API_KEY || undefined,
    workerConcurrency: Number.isInteger(concurrency) && concurrency > 0 ? concurrency : 2,
    workerLeaseMs: milliseconds(env, 'SINEW_WORKER_LEASE_MS', 30_000, 1000),
    workerGraceMs: milliseconds(env, 'SINEW_WORKER_GRACE_MS', 25_000, 0),
    retentionIntervalMs: milliseconds(env, 'SINEW_RETENTION_INTERVAL_MS', 15 * 60_000, 100),
    logLevel: env.SINEW_LOG_LEVEL ?? 'info',
    example: env.SINEW_EXAMPLE !== 'false',
    allowLoopback: readAllowLoopback(env, !env.SINEW_DATABASE_URL),
    events: readEventDeliveryConfig(env, !env.SINEW_DATABASE_URL),
    metricsToken: env.SINEW_METRICS_TOKEN || undefined,
    metricsPort,
    connectorUser: resolveConnectorUser(env.SINEW_CONNECTOR_USER),
    pipFindLinks: env.SINEW_PIP_FIND_LINKS ? path.resolve(env.SINEW_PIP_FIND_LINKS) : undefined,
  };
}

/** A whole number of milliseconds from `env[name]`, at least `min`; a wrong value stops the start. */
function milliseconds(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`${name} must be a whole number of milliseconds, at least ${min}; got ${text}`);
  return value;
}

import type { JobSettings } from '../model/job-settings.js';
import type { AddressPolicy } from '../outbound/address-policy.js';
import { type SinkSections, sinkSectionSchemas } from '../sinks/sink-registry.js';
import { type RetentionSettings, retentionSettings } from './retention-settings.js';

/**
 * The environment settings document (`GET/PUT /{env}/settings`), seeds/000 and seeds/002:
 * job settings, monitoring (webhooks, Datadog, Slack), storage, network and retention. Flows may override job settings
 * (`job_settings` in the flow definition), field by field.
 */
/**
 * The monitoring section: each event sink's own section (src/sinks: `webhooks`, `datadog`,
 * `slack`), and whether their URLs may point at private addresses.
 */
export type MonitoringSettings = SinkSections & {
  /** Webhook URLs may point at loopback/private addresses (embedded mode allows loopback by default). */
  allow_private_urls?: boolean;
};

/**
 * Custom storage (seeds/000): the environment's job data (job roots, snapshots) goes to its own S3
 * bucket, with its own credentials, instead of the server's storage.
 */
export interface StorageSettings {
  /** `s3`: the bucket below; `default` (or no section): the server's own storage. */
  type?: 'default' | 's3';
  bucket?: string;
  /** Key prefix inside the bucket. */
  prefix?: string;
  region?: string;
  access_key_id?: string;
  /** Never returned in clear (redacted on GET, kept when `********` is sent back). */
  secret_access_key?: string;
  /** An S3-compatible endpoint (MinIO, R2...); unset = AWS. */
  endpoint?: string;
  force_path_style?: boolean;
}

/**
 * What the environment's outbound connections may reach (docs/security.md, the outbound address
 * policy). Only the owner can set it: settings take the environment key, and no tenant-sent
 * field (link configs, job options) is read for it.
 */
export interface NetworkSettings {
  /**
   * Connectors, webhooks, Datadog and Slack may connect to loopback, private, link-local (cloud
   * metadata) and reserved addresses. Off by default: a tenant's config must not reach the
   * deployment's own network.
   */
  allow_private_addresses?: boolean;
}

/**
 * Where the built-in file connectors (`csv`, `jsonl`) may read and write for tenants: a path a
 * tenant sets is taken relative to `<root>/tenants/<tenant>/` and may not leave it. Without a root,
 * tenants cannot use file connectors; paths the owner sets are not confined (docs/security.md).
 */
export interface FilesSettings {
  /** Absolute, normalized (no `.` or `..` segments, no trailing slash); null: not set. */
  root: string | null;
}

export interface EnvironmentSettings {
  job_settings: JobSettings;
  monitoring: MonitoringSettings;
  storage: StorageSettings;
  network: NetworkSettings;
  files: FilesSettings;
  retention: RetentionSettings;
}

export const DEFAULT_JOB_SETTINGS: JobSettings = {
  force_full_sync: false,
  force_discover: false,
  trigger_job_on_link: false,
  discover_on_link: false,
  rollback_on_failure: false,
  default_schedule_on_link: false,
  default_schedule: null,
  save_snapshots_on_failure: false,
  save_record_ids_in_snapshots: false,
  job_timeout_seconds: 24 * 3600,
  etl_memory_mb: 2048,
  worker_loss_retries: 0,
  connector_log_head_mb: 5,
  connector_log_tail_mb: 5,
};

/** JSON Schema of job settings (all optional in a PUT; unknown keys refused). */
export const jobSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    force_full_sync: { type: 'boolean' },
    force_discover: { type: 'boolean' },
    trigger_job_on_link: { type: 'boolean' },
    discover_on_link: { type: 'boolean' },
    rollback_on_failure: { type: 'boolean' },
    default_schedule_on_link: { type: 'boolean' },
    default_schedule: {
      type: ['object', 'null'],
      required: ['schedule_expression'],
      additionalProperties: false,
      properties: { schedule_expression: { type: 'string', minLength: 1 }, job_type: { type: 'string', enum: ['read', 'write'] } },
    },
    save_snapshots_on_failure: { type: 'boolean' },
    save_record_ids_in_snapshots: { type: 'boolean' },
    job_timeout_seconds: { type: 'integer', minimum: 1, maximum: 7 * 24 * 3600 },
    etl_memory_mb: { type: 'integer', minimum: 64, maximum: 65536 },
    worker_loss_retries: { type: 'integer', minimum: 0, maximum: 10 },
    connector_log_head_mb: { type: 'number', minimum: 0, maximum: 1024 },
    connector_log_tail_mb: { type: 'number', minimum: 0, maximum: 1024 },
  },
} as const;

export const monitoringSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { ...sinkSectionSchemas(), allow_private_urls: { type: 'boolean' } },
} as const;

export const networkSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { allow_private_addresses: { type: 'boolean' } },
} as const;

/**
 * JSON Schema of the storage section. A section naming `type: "s3"` must be complete (the dashboard
 * saves the whole section; the secret may come back as `********`, which keeps the stored one).
 */
export const storageSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    type: { type: 'string', enum: ['default', 's3'] },
    // S3 bucket naming rules (lowercase, digits, dots, hyphens; 3-63 characters).
    bucket: { type: 'string', pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$' },
    prefix: { type: 'string', maxLength: 512 },
    region: { type: 'string', minLength: 1, maxLength: 64 },
    access_key_id: { type: 'string', minLength: 1, maxLength: 256 },
    secret_access_key: { type: 'string', minLength: 1, maxLength: 512 },
    endpoint: { type: 'string', pattern: '^https?://', maxLength: 2048 },
    force_path_style: { type: 'boolean' },
  },
  if: { properties: { type: { const: 's3' } } },
  // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, not a thenable (ajv reads it).
  then: { required: ['bucket', 'region', 'access_key_id', 'secret_access_key'] },
} as const;

/** JSON Schema of the files section; that the root is absolute and normalized is checked by the service. */
export const filesSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    root: { type: ['string', 'null'], minLength: 1, maxLength: 4096 },
  },
} as const;

/** The settings of an environment document, with defaults filled in. */
export function environmentSettings(doc: Record<string, unknown>): EnvironmentSettings {
  const job = (doc.job_settings ?? {}) as Partial<JobSettings>;
  const monitoring = (doc.monitoring ?? {}) as Partial<MonitoringSettings>;
  const files = (doc.files ?? {}) as Partial<FilesSettings>;
  return {
    job_settings: { ...DEFAULT_JOB_SETTINGS, ...job },
    monitoring: { webhooks: {}, ...monitoring },
    storage: (doc.storage ?? {}) as StorageSettings,
    network: (doc.network ?? {}) as NetworkSettings,
    files: { root: typeof files.root === 'string' ? files.root : null },
    retention: retentionSettings(doc.retention),
  };
}

/**
 * The address policy of an environment's outbound connections: the operator's loopback flag,
 * and the owner's `network.allow_private_addresses` — or, for monitoring URLs (webhooks, Slack,
 * Datadog), also `monitoring.allow_private_urls`, which allowed them before the policy was one.
 */
export function environmentAddressPolicy(
  doc: Record<string, unknown>,
  allowLoopback: boolean,
  purpose: 'connectors' | 'monitoring',
): AddressPolicy {
  const settings = environmentSettings(doc);
  const everywhere = settings.network.allow_private_addresses === true;
  const monitoring = purpose === 'monitoring' && settings.monitoring.allow_private_urls === true;
  return { allowPrivate: everywhere || monitoring, allowLoopback };
}

/** The job settings in force for a flow: the environment's, overridden by the flow's own. */
export function effectiveJobSettings(envDoc: Record<string, unknown>, flowOverrides?: Partial<JobSettings> | null): JobSettings {
  return { ...environmentSettings(envDoc).job_settings, ...(flowOverrides ?? {}) };
}

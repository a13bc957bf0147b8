import type { ApiKeyOps } from './api-key-ops.js';
import type { AuditOps } from './audit-ops.js';
import type { ConnectorOps } from './connector-ops.js';
import type { DeliveryOps } from './delivery-ops.js';
import type { EnvironmentOps } from './environment-ops.js';
import type { EventOps } from './event-ops.js';
import type { FlowOps } from './flow-ops.js';
import type { JobLeaseOps } from './job-lease-ops.js';
import type { JobOps } from './job-ops.js';
import type { JobStatsOps } from './job-stats-ops.js';
import { JOB_STATUS_WRITER, type JobStatusWriter } from './job-status-writer.js';
import type { KeyLocks } from './key-locks.js';
import type { LinkOps } from './link-ops.js';
import type { OAuthOps } from './oauth-ops.js';
import type { RecordIdOps } from './record-id-ops.js';
import type { RetentionOps } from './retention-ops.js';
import type { ScheduleOps } from './schedule-ops.js';
import type { TenantErasureOps } from './tenant-erasure-ops.js';
import type { TenantOps } from './tenant-ops.js';
import type { WriteTaskOps } from './write-task-ops.js';

// The filters are the repositories' own; re-exported so callers keep one import for the port.
export type { JobListFilter } from './job-ops.js';
export type { LinkFilter } from './link-ops.js';

/**
 * The store port: everything Sinew persists outside blob storage, as one repository per resource
 * (each an interface in its own `*-ops.ts` with its Kysely implementation). Two adapters (SQLite,
 * PostgreSQL) implement it and one contract test suite runs against both. Methods are plain data
 * in, plain data out; JSON columns are (de)serialized inside the adapter.
 */
export interface StoreOps {
  readonly environments: EnvironmentOps;
  /** API keys, by the hash of the key (src/store/api-key-ops.ts). */
  readonly apiKeys: ApiKeyOps;
  /** Connector definitions registered through the API; built-ins live in code (connector-ops.ts). */
  readonly connectors: ConnectorOps;
  readonly flows: FlowOps;
  readonly tenants: TenantOps;
  readonly links: LinkOps;
  /** Creating and reading jobs; a job changes only through JobLifecycle (job-ops.ts). */
  readonly jobs: JobOps;
  /** The event outbox (src/store/event-ops.ts). */
  readonly events: EventOps;

  /** Link schedules and the scheduler's bookkeeping (schedule-ops.ts). */
  readonly schedules: ScheduleOps;
  /** Event delivery: fan-out, leases, attempts (src/store/delivery-ops.ts). */
  readonly deliveries: DeliveryOps;
  /** The record-id map of write jobs: InputId → RemoteId per scope (src/store/record-id-ops.ts). */
  readonly recordIds: RecordIdOps;
  /** Asynchronous real-time write tasks (src/store/write-task-ops.ts). */
  readonly writeTasks: WriteTaskOps;
  /** Aggregates over jobs for metrics: counts by environment and status (src/store/job-stats-ops.ts). */
  readonly jobStats: JobStatsOps;
  /** Who runs a job: claims, leases and their expiry, for many workers over one store (src/store/job-lease-ops.ts). */
  readonly jobLeases: JobLeaseOps;
  /** What deleting a tenant erases beside its links: job history, record-id map (src/store/tenant-erasure-ops.ts). */
  readonly tenantErasure: TenantErasureOps;
  /** Who changed what, when, from where: the audit log (src/store/audit-ops.ts). */
  readonly audit: AuditOps;
  /** OAuth apps and pending authorizations (src/store/oauth-ops.ts). */
  readonly oauth: OAuthOps;
  /** Deleting finished jobs and settled events past an environment's retention (src/store/retention-ops.ts). */
  readonly retention: RetentionOps;

  /**
   * Writes a job whole, status included: reachable only with the symbol, which only JobLifecycle
   * may import (src/store/job-status-writer.ts, checked by .dependency-cruiser.cjs).
   */
  readonly [JOB_STATUS_WRITER]: JobStatusWriter;
}

export interface Store extends StoreOps {
  readonly dialect: 'sqlite' | 'postgres';
  /** Mutual exclusion by key across every process sharing this store (src/store/key-locks.ts). */
  readonly locks: KeyLocks;
  /** Runs fn with a view of the store whose every call is part of one database transaction. */
  transaction<T>(fn: (tx: StoreOps) => Promise<T>): Promise<T>;
  /** Applies pending migrations. */
  migrate(): Promise<void>;
  /** True when all migrations have been applied (servers refuse to start otherwise). */
  isMigrated(): Promise<boolean>;
  close(): Promise<void>;
}

import type { ApiKey, Environment } from '../model/environment.js';
import type { ConnectorDefinition } from '../model/connector-definition.js';
import type { Flow } from '../model/flow.js';
import type { Tenant } from '../model/tenant.js';
import type { Link, LinkKey, LinkRole } from '../model/link.js';
import type { Job, JobStatus } from '../model/job.js';
import type { OutboxEvent } from '../model/event.js';
import type { DeliveryOps } from './delivery-ops.js';
import type { ScheduleOps } from './schedule-ops.js';
import type { RecordIdOps } from './record-id-ops.js';
import type { KeyLocks } from './key-locks.js';
import type { WriteTaskOps } from './write-task-ops.js';
import type { JobStatsOps } from './job-stats-ops.js';
import type { JobLeaseOps } from './job-lease-ops.js';
import type { TenantErasureOps } from './tenant-erasure-ops.js';
import type { AuditOps } from './audit-ops.js';
import type { OAuthOps } from './oauth-ops.js';

export interface JobListFilter {
  env_id: string;
  flow_id?: string;
  tenant?: string;
  status?: JobStatus[];
  /** Created at or after / strictly before these instants (epoch ms). */
  created_after?: number;
  created_before?: number;
  /** Newest first; return jobs created strictly before this job's creation (keyset paging). */
  before_job_id?: string;
  limit: number;
}

export interface LinkFilter {
  env_id: string;
  flow_id?: string;
  tenant?: string;
  role?: LinkRole;
  connector_id?: string;
}

/**
 * The store port: everything Sinew persists outside blob storage. Two adapters (SQLite, PostgreSQL)
 * implement it and one contract test suite runs against both. Methods are plain data in, plain data
 * out; JSON columns are (de)serialized inside the adapter.
 */
export interface StoreOps {
  // environments and keys
  getEnvironment(envId: string): Promise<Environment | undefined>;
  listEnvironments(): Promise<Environment[]>;
  putEnvironment(env: Environment): Promise<void>;
  getApiKey(keyHash: string): Promise<ApiKey | undefined>;
  putApiKey(key: ApiKey): Promise<void>;
  listApiKeys(envId: string): Promise<ApiKey[]>;
  /** True when the environment had that key. */
  deleteApiKey(envId: string, keyHash: string): Promise<boolean>;

  // connector definitions registered through the API (built-ins live in code)
  listConnectorDefinitions(envId: string): Promise<ConnectorDefinition[]>;
  getConnectorDefinition(envId: string, id: string): Promise<ConnectorDefinition | undefined>;
  putConnectorDefinition(envId: string, def: ConnectorDefinition): Promise<void>;
  deleteConnectorDefinition(envId: string, id: string): Promise<boolean>;

  // flows
  listFlows(envId: string): Promise<Flow[]>;
  getFlow(envId: string, flowId: string): Promise<Flow | undefined>;
  putFlow(flow: Flow): Promise<void>;
  deleteFlow(envId: string, flowId: string): Promise<boolean>;

  // tenants
  listTenants(envId: string): Promise<Tenant[]>;
  getTenant(envId: string, tenant: string): Promise<Tenant | undefined>;
  putTenant(tenant: Tenant): Promise<void>;
  /** Deletes the tenant and its links (its history goes through tenantErasure). */
  deleteTenant(envId: string, tenant: string): Promise<boolean>;

  // links
  listLinks(filter: LinkFilter): Promise<Link[]>;
  getLink(key: LinkKey): Promise<Link | undefined>;
  putLink(link: Link): Promise<void>;
  deleteLink(key: LinkKey): Promise<boolean>;

  // jobs
  insertJob(job: Job): Promise<void>;
  /** Replaces the stored job object (the caller has checked the transition). */
  updateJob(job: Job): Promise<void>;
  getJob(envId: string, jobId: string): Promise<Job | undefined>;
  getJobByRoot(envId: string, s3Root: string): Promise<Job | undefined>;
  listJobs(filter: JobListFilter): Promise<Job[]>;
  /**
   * Inside a transaction: holds job creation for this link until the transaction ends, so the
   * "one active job per link" check and the insert cannot interleave with another process's
   * (PostgreSQL advisory lock; SQLite transactions are serial already).
   */
  lockLinkJobs(key: LinkKey): Promise<void>;
  /** Jobs of one link that are not in a terminal status, oldest first. */
  listActiveJobsForLink(key: LinkKey): Promise<Job[]>;
  /** Jobs in any of these statuses across all environments, oldest first (recovery at start-up). */
  listJobsByStatus(statuses: JobStatus[], limit: number): Promise<Job[]>;

  // event outbox
  insertEvent(event: OutboxEvent): Promise<void>;
  listEvents(envId: string, limit: number): Promise<OutboxEvent[]>;

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

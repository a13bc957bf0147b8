import { type ApiKeyOps, KyselyApiKeyOps } from './api-key-ops.js';
import { type AuditOps, KyselyAuditOps } from './audit-ops.js';
import { type ConnectorOps, KyselyConnectorOps } from './connector-ops.js';
import { type DeliveryOps, KyselyDeliveryOps } from './delivery-ops.js';
import { type EnvironmentOps, KyselyEnvironmentOps } from './environment-ops.js';
import { type EventOps, KyselyEventOps } from './event-ops.js';
import { type FlowOps, KyselyFlowOps } from './flow-ops.js';
import { type JobLeaseOps, KyselyJobLeaseOps } from './job-lease-ops.js';
import { type JobOps, KyselyJobOps } from './job-ops.js';
import { type JobStatsOps, KyselyJobStatsOps } from './job-stats-ops.js';
import { JOB_STATUS_WRITER, type JobStatusWriter, KyselyJobStatusWriter } from './job-status-writer.js';
import { KyselyLinkOps, type LinkOps } from './link-ops.js';
import { KyselyOAuthOps, type OAuthOps } from './oauth-ops.js';
import { KyselyRecordIdOps, type RecordIdOps } from './record-id-ops.js';
import { KyselyRetentionOps, type RetentionOps } from './retention-ops.js';
import { KyselyScheduleOps, type ScheduleOps } from './schedule-ops.js';
import type { StoreOps } from './store.js';
import type { Connection } from './store-connection.js';
import { KyselyTenantErasureOps, type TenantErasureOps } from './tenant-erasure-ops.js';
import { KyselyTenantOps, type TenantOps } from './tenant-ops.js';
import { KyselyWriteTaskOps, type WriteTaskOps } from './write-task-ops.js';

/**
 * The one implementation of StoreOps, for both dialects: the repositories over one connection (the
 * root Kysely instance, or one transaction), every query in them portable Kysely.
 */
export class KyselyStoreOps implements StoreOps {
  readonly environments: EnvironmentOps;
  readonly apiKeys: ApiKeyOps;
  readonly connectors: ConnectorOps;
  readonly flows: FlowOps;
  readonly tenants: TenantOps;
  readonly links: LinkOps;
  readonly jobs: JobOps;
  readonly events: EventOps;
  readonly schedules: ScheduleOps;
  readonly deliveries: DeliveryOps;
  readonly recordIds: RecordIdOps;
  readonly writeTasks: WriteTaskOps;
  readonly jobStats: JobStatsOps;
  readonly jobLeases: JobLeaseOps;
  readonly tenantErasure: TenantErasureOps;
  readonly audit: AuditOps;
  readonly oauth: OAuthOps;
  readonly retention: RetentionOps;
  readonly [JOB_STATUS_WRITER]: JobStatusWriter;

  constructor(connection: Connection, dialect: 'sqlite' | 'postgres') {
    this.environments = new KyselyEnvironmentOps(connection);
    this.apiKeys = new KyselyApiKeyOps(connection);
    this.connectors = new KyselyConnectorOps(connection);
    this.flows = new KyselyFlowOps(connection);
    this.tenants = new KyselyTenantOps(connection);
    this.links = new KyselyLinkOps(connection);
    this.jobs = new KyselyJobOps(connection, dialect);
    this.events = new KyselyEventOps(connection);
    this.schedules = new KyselyScheduleOps(connection, dialect);
    this.deliveries = new KyselyDeliveryOps(connection, dialect);
    this.recordIds = new KyselyRecordIdOps(connection, dialect);
    this.writeTasks = new KyselyWriteTaskOps(connection);
    this.jobStats = new KyselyJobStatsOps(connection);
    this.jobLeases = new KyselyJobLeaseOps(connection, dialect);
    this.tenantErasure = new KyselyTenantErasureOps(connection);
    this.audit = new KyselyAuditOps(connection);
    this.oauth = new KyselyOAuthOps(connection);
    this.retention = new KyselyRetentionOps(connection);
    this[JOB_STATUS_WRITER] = new KyselyJobStatusWriter(connection);
  }
}

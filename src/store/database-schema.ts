import type { ColumnType, Generated } from 'kysely';

/**
 * The Kysely view of the tables created by ./migrations. Each object lives in a `doc` column (JSON
 * text, see json-column.ts) next to the key and filter columns the queries need, so adding a field to
 * a model needs no migration.
 *
 * Epoch-millisecond columns are `bigint`: PostgreSQL returns those as strings, SQLite as numbers,
 * hence the `number | string` select type (convert with `epochMs`).
 */
type EpochMs = ColumnType<number | string, number, number>;
type NullableEpochMs = ColumnType<number | string | null, number | null, number | null>;

export interface EnvironmentsTable {
  env_id: string;
  doc: string;
}

export interface ApiKeysTable {
  key_hash: string;
  env_id: string;
  created_at: string;
  doc: string;
}

export interface ConnectorDefinitionsTable {
  env_id: string;
  id: string;
  doc: string;
}

export interface FlowsTable {
  env_id: string;
  flow_id: string;
  doc: string;
}

export interface TenantsTable {
  env_id: string;
  tenant: string;
  doc: string;
}

export interface LinksTable {
  env_id: string;
  flow_id: string;
  tenant: string;
  role: string;
  connector_id: string;
  doc: string;
}

export interface JobsTable {
  /** Insertion order: ms timestamps collide, this never does (newest-first listing, keyset paging). */
  created_seq: Generated<number | string>;
  job_id: string;
  env_id: string;
  flow_id: string;
  tenant: string;
  link_role: string;
  link_connector: string;
  status: string;
  s3_root: string;
  created_at: EpochMs;
  doc: string;
  /** The worker holding the job's lease, and until when (migration 0005, src/store/job-lease-ops.ts). */
  lease_owner: ColumnType<string | null, string | null | undefined, string | null>;
  lease_expires_at: ColumnType<number | string | null, number | null | undefined, number | null>;
  worker_losses: ColumnType<number, number | undefined, number>;
}

export interface EventsTable {
  /** Insertion order, which delivery keeps per ordering_key. */
  seq: Generated<number | string>;
  event_id: string;
  env_id: string;
  kind: string;
  ordering_key: string;
  payload: string;
  created_at: string;
  // Delivery bookkeeping, driven by the outbox dispatcher.
  status: ColumnType<string, string | undefined, string>;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: NullableEpochMs;
  delivered_at: NullableEpochMs;
}

/** Link schedules (migration 0003, src/store/schedule-ops.ts). */
export interface SchedulesTable {
  env_id: string;
  tenant: string;
  flow_id: string;
  role: string;
  connector_id: string;
  state: string;
  next_fire_at: NullableEpochMs;
  claimed_tick: NullableEpochMs;
  claimed_at: NullableEpochMs;
  last_fired_at: NullableEpochMs;
  last_outcome: ColumnType<string | null, string | null | undefined, string | null>;
  doc: string;
}

/** The record-id map of write jobs (migration 0004, src/store/record-id-ops.ts). */
export interface RecordIdsTable {
  env_id: string;
  tenant: string;
  flow_id: string;
  stream: string;
  input_id: string;
  remote_id: string;
  custom_data: string;
  record_hash: string | null;
  created_job_id: string | null;
  updated_at: EpochMs;
}

/** Asynchronous real-time writes (migration 0006, src/store/write-task-ops.ts). */
export interface WriteTasksTable {
  env_id: string;
  task_id: string;
  status: string;
  lease_until: NullableEpochMs;
  updated_at: EpochMs;
  doc: string;
}

/** The audit log (migration 0008, src/store/audit-ops.ts). */
export interface AuditLogTable {
  seq: Generated<number | string>;
  audit_id: string;
  env_id: string;
  at: EpochMs;
  tenant: string | null;
  actor: string;
  resource: string;
  doc: string;
}

/** OAuth apps per environment and connector (migration 0009, src/store/oauth-ops.ts). */
export interface OAuthAppsTable {
  env_id: string;
  connector_id: string;
  doc: string;
}

/** Authorizations started and not yet called back (migration 0009, src/store/oauth-ops.ts). */
export interface OAuthStatesTable {
  state_id: string;
  env_id: string;
  expires_at: EpochMs;
  doc: string;
}

export interface Database {
  environments: EnvironmentsTable;
  api_keys: ApiKeysTable;
  connector_definitions: ConnectorDefinitionsTable;
  flows: FlowsTable;
  tenants: TenantsTable;
  links: LinksTable;
  jobs: JobsTable;
  events: EventsTable;
  schedules: SchedulesTable;
  record_ids: RecordIdsTable;
  write_tasks: WriteTasksTable;
  audit_log: AuditLogTable;
  oauth_apps: OAuthAppsTable;
  oauth_states: OAuthStatesTable;
}

/** Converts a `bigint` column value (string from PostgreSQL, number from SQLite) to a number. */
export function epochMs(value: number | string): number {
  return typeof value === 'number' ? value : Number(value);
}

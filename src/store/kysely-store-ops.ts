import { sql, type Kysely } from 'kysely';
import type { ApiKey, Environment } from '../model/environment.js';
import type { ConnectorDefinition } from '../model/connector-definition.js';
import type { Flow } from '../model/flow.js';
import type { Tenant } from '../model/tenant.js';
import { linkKeyString, type Link, type LinkKey } from '../model/link.js';
import { TERMINAL_STATUSES, type Job, type JobStatus } from '../model/job.js';
import type { OutboxEvent } from '../model/event.js';
import { SinewError, notFound } from '../errors/sinew-error.js';
import type { JobListFilter, LinkFilter, StoreOps } from './store.js';
import type { Database } from './database-schema.js';
import type { Connection } from './store-connection.js';
import { fromJsonColumn, toJsonColumn } from './json-column.js';
import { isUniqueViolation } from './unique-violation.js';
import { KyselyDeliveryOps, type DeliveryOps } from './delivery-ops.js';
import { KyselyScheduleOps, type ScheduleOps } from './schedule-ops.js';
import { KyselyRecordIdOps, type RecordIdOps } from './record-id-ops.js';
import { KyselyWriteTaskOps, type WriteTaskOps } from './write-task-ops.js';
import { KyselyJobStatsOps, type JobStatsOps } from './job-stats-ops.js';
import { KyselyJobLeaseOps, type JobLeaseOps } from './job-lease-ops.js';
import { KyselyTenantErasureOps, type TenantErasureOps } from './tenant-erasure-ops.js';
import { KyselyAuditOps, type AuditOps } from './audit-ops.js';
import { KyselyOAuthOps, type OAuthOps } from './oauth-ops.js';
import { insertEventRow, listEventRows } from './event-outbox-rows.js';


const TERMINAL = [...TERMINAL_STATUSES];

const docs = <T>(rows: { doc: string }[]): T[] => rows.map((r) => fromJsonColumn<T>(r.doc));
const doc = <T>(row: { doc: string } | undefined): T | undefined =>
  row === undefined ? undefined : fromJsonColumn<T>(row.doc);
const linkKeyColumns = (k: LinkKey) => ({
  env_id: k.env_id,
  tenant: k.tenant,
  flow_id: k.flow_id,
  role: k.role,
  connector_id: k.connector_id,
});
const deleted = (r: { numDeletedRows: bigint }): boolean => r.numDeletedRows > 0n;

/**
 * The one implementation of StoreOps, for both dialects: every query here is portable Kysely.
 * Objects are stored whole as JSON in `doc`, beside the key and filter columns.
 */
export class KyselyStoreOps implements StoreOps {
  readonly #db: Connection;
  readonly #dialect: 'sqlite' | 'postgres';
  readonly schedules: ScheduleOps;
  readonly deliveries: DeliveryOps;
  readonly recordIds: RecordIdOps;
  readonly writeTasks: WriteTaskOps;
  readonly jobStats: JobStatsOps;
  readonly jobLeases: JobLeaseOps;
  readonly tenantErasure: TenantErasureOps;
  readonly audit: AuditOps;
  readonly oauth: OAuthOps;

  constructor(connection: Connection, dialect: 'sqlite' | 'postgres') {
    this.#db = connection;
    this.#dialect = dialect;
    this.schedules = new KyselyScheduleOps(connection, dialect);
    this.deliveries = new KyselyDeliveryOps(connection, dialect);
    this.recordIds = new KyselyRecordIdOps(connection, dialect);
    this.writeTasks = new KyselyWriteTaskOps(connection);
    this.jobStats = new KyselyJobStatsOps(connection);
    this.jobLeases = new KyselyJobLeaseOps(connection, dialect);
    this.tenantErasure = new KyselyTenantErasureOps(connection);
    this.audit = new KyselyAuditOps(connection);
    this.oauth = new KyselyOAuthOps(connection);
  }

  // ---- environments and keys

  async getEnvironment(envId: string): Promise<Environment | undefined> {
    return doc(await this.#db().selectFrom('environments').select('doc').where('env_id', '=', envId).executeTakeFirst());
  }

  async listEnvironments(): Promise<Environment[]> {
    return docs(await this.#db().selectFrom('environments').select('doc').orderBy('env_id').execute());
  }

  async putEnvironment(env: Environment): Promise<void> {
    const row = { env_id: env.env_id, doc: toJsonColumn(env) };
    await this.#db()
      .insertInto('environments')
      .values(row)
      .onConflict((oc) => oc.column('env_id').doUpdateSet({ doc: row.doc }))
      .execute();
  }

  async getApiKey(keyHash: string): Promise<ApiKey | undefined> {
    return doc(await this.#db().selectFrom('api_keys').select('doc').where('key_hash', '=', keyHash).executeTakeFirst());
  }

  async putApiKey(key: ApiKey): Promise<void> {
    const row = { key_hash: key.key_hash, env_id: key.env_id, created_at: key.created_at, doc: toJsonColumn(key) };
    await this.#db()
      .insertInto('api_keys')
      .values(row)
      .onConflict((oc) =>
        oc.column('key_hash').doUpdateSet({ env_id: row.env_id, created_at: row.created_at, doc: row.doc }),
      )
      .execute();
  }

  async deleteApiKey(envId: string, keyHash: string): Promise<boolean> {
    return deleted(await this.#db().deleteFrom('api_keys').where('env_id', '=', envId).where('key_hash', '=', keyHash).executeTakeFirstOrThrow());
  }

  async listApiKeys(envId: string): Promise<ApiKey[]> {
    return docs(
      await this.#db()
        .selectFrom('api_keys')
        .select('doc')
        .where('env_id', '=', envId)
        .orderBy('created_at')
        .orderBy('key_hash')
        .execute(),
    );
  }

  // ---- connector definitions

  async listConnectorDefinitions(envId: string): Promise<ConnectorDefinition[]> {
    return docs(
      await this.#db().selectFrom('connector_definitions').select('doc').where('env_id', '=', envId).orderBy('id').execute(),
    );
  }

  async getConnectorDefinition(envId: string, id: string): Promise<ConnectorDefinition | undefined> {
    return doc(
      await this.#db()
        .selectFrom('connector_definitions')
        .select('doc')
        .where('env_id', '=', envId)
        .where('id', '=', id)
        .executeTakeFirst(),
    );
  }

  async putConnectorDefinition(envId: string, def: ConnectorDefinition): Promise<void> {
    const row = { env_id: envId, id: def.id, doc: toJsonColumn(def) };
    await this.#db()
      .insertInto('connector_definitions')
      .values(row)
      .onConflict((oc) => oc.columns(['env_id', 'id']).doUpdateSet({ doc: row.doc }))
      .execute();
  }

  async deleteConnectorDefinition(envId: string, id: string): Promise<boolean> {
    return deleted(
      await this.#db()
        .deleteFrom('connector_definitions')
        .where('env_id', '=', envId)
        .where('id', '=', id)
        .executeTakeFirstOrThrow(),
    );
  }

  // ---- flows

  async listFlows(envId: string): Promise<Flow[]> {
    return docs(await this.#db().selectFrom('flows').select('doc').where('env_id', '=', envId).orderBy('flow_id').execute());
  }

  async getFlow(envId: string, flowId: string): Promise<Flow | undefined> {
    return doc(
      await this.#db()
        .selectFrom('flows')
        .select('doc')
        .where('env_id', '=', envId)
        .where('flow_id', '=', flowId)
        .executeTakeFirst(),
    );
  }

  async putFlow(flow: Flow): Promise<void> {
    const row = { env_id: flow.env_id, flow_id: flow.flow_id, doc: toJsonColumn(flow) };
    await this.#db()
      .insertInto('flows')
      .values(row)
      .onConflict((oc) => oc.columns(['env_id', 'flow_id']).doUpdateSet({ doc: row.doc }))
      .execute();
  }

  async deleteFlow(envId: string, flowId: string): Promise<boolean> {
    return deleted(
      await this.#db().deleteFrom('flows').where('env_id', '=', envId).where('flow_id', '=', flowId).executeTakeFirstOrThrow(),
    );
  }

  // ---- tenants

  async listTenants(envId: string): Promise<Tenant[]> {
    return docs(await this.#db().selectFrom('tenants').select('doc').where('env_id', '=', envId).orderBy('tenant').execute());
  }

  async getTenant(envId: string, tenant: string): Promise<Tenant | undefined> {
    return doc(
      await this.#db()
        .selectFrom('tenants')
        .select('doc')
        .where('env_id', '=', envId)
        .where('tenant', '=', tenant)
        .executeTakeFirst(),
    );
  }

  async putTenant(tenant: Tenant): Promise<void> {
    const row = { env_id: tenant.env_id, tenant: tenant.tenant, doc: toJsonColumn(tenant) };
    await this.#db()
      .insertInto('tenants')
      .values(row)
      .onConflict((oc) => oc.columns(['env_id', 'tenant']).doUpdateSet({ doc: row.doc }))
      .execute();
  }

  /**
   * True when there was anything to delete: a tenant "exists" from its first link, so one with
   * links but no tenants row still counts.
   */
  async deleteTenant(envId: string, tenant: string): Promise<boolean> {
    return this.#atomically(async (db) => {
      const links = await db.deleteFrom('links').where('env_id', '=', envId).where('tenant', '=', tenant).executeTakeFirstOrThrow();
      const row = await db.deleteFrom('tenants').where('env_id', '=', envId).where('tenant', '=', tenant).executeTakeFirstOrThrow();
      return deleted(links) || deleted(row);
    });
  }

  // ---- links

  async listLinks(filter: LinkFilter): Promise<Link[]> {
    let q = this.#db().selectFrom('links').select('doc').where('env_id', '=', filter.env_id);
    if (filter.flow_id !== undefined) q = q.where('flow_id', '=', filter.flow_id);
    if (filter.tenant !== undefined) q = q.where('tenant', '=', filter.tenant);
    if (filter.role !== undefined) q = q.where('role', '=', filter.role);
    if (filter.connector_id !== undefined) q = q.where('connector_id', '=', filter.connector_id);
    return docs(await q.orderBy('tenant').orderBy('flow_id').orderBy('role').orderBy('connector_id').execute());
  }

  async getLink(key: LinkKey): Promise<Link | undefined> {
    return doc(await this.#db().selectFrom('links').select('doc').where((eb) => eb.and(linkKeyColumns(key))).executeTakeFirst());
  }

  async putLink(link: Link): Promise<void> {
    const row = { ...linkKeyColumns(link), doc: toJsonColumn(link) };
    await this.#db()
      .insertInto('links')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['env_id', 'tenant', 'flow_id', 'role', 'connector_id']).doUpdateSet({ doc: row.doc }),
      )
      .execute();
  }

  async deleteLink(key: LinkKey): Promise<boolean> {
    return deleted(await this.#db().deleteFrom('links').where((eb) => eb.and(linkKeyColumns(key))).executeTakeFirstOrThrow());
  }

  // ---- jobs

  async insertJob(job: Job): Promise<void> {
    try {
      await this.#db()
        .insertInto('jobs')
        .values({
          job_id: job.job_id,
          env_id: job.env_id,
          flow_id: job.flow_id,
          tenant: job.tenant,
          link_role: job.link_role,
          link_connector: job.link_connector,
          status: job.status,
          s3_root: job.s3_root,
          created_at: Date.now(),
          doc: toJsonColumn(job),
        })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw new SinewError('CONFLICT', `job ${job.job_id} already exists`, { job_id: job.job_id });
      throw error;
    }
  }

  async updateJob(job: Job): Promise<void> {
    const result = await this.#db()
      .updateTable('jobs')
      .set({ status: job.status, s3_root: job.s3_root, doc: toJsonColumn(job) })
      .where('env_id', '=', job.env_id)
      .where('job_id', '=', job.job_id)
      .executeTakeFirstOrThrow();
    if (result.numUpdatedRows === 0n) throw notFound('job', { job_id: job.job_id });
  }

  async getJob(envId: string, jobId: string): Promise<Job | undefined> {
    return doc(
      await this.#db().selectFrom('jobs').select('doc').where('env_id', '=', envId).where('job_id', '=', jobId).executeTakeFirst(),
    );
  }

  async getJobByRoot(envId: string, s3Root: string): Promise<Job | undefined> {
    return doc(
      await this.#db()
        .selectFrom('jobs')
        .select('doc')
        .where('env_id', '=', envId)
        .where('s3_root', '=', s3Root)
        .orderBy('created_seq', 'desc')
        .limit(1)
        .executeTakeFirst(),
    );
  }

  /** An empty `status` list matches no job; an unknown `before_job_id` yields an empty page. */
  async listJobs(filter: JobListFilter): Promise<Job[]> {
    if (filter.limit <= 0 || filter.status?.length === 0) return [];
    let q = this.#db().selectFrom('jobs').select('doc').where('env_id', '=', filter.env_id);
    if (filter.flow_id !== undefined) q = q.where('flow_id', '=', filter.flow_id);
    if (filter.tenant !== undefined) q = q.where('tenant', '=', filter.tenant);
    if (filter.status !== undefined) q = q.where('status', 'in', filter.status);
    if (filter.created_after !== undefined) q = q.where('created_at', '>=', filter.created_after);
    if (filter.created_before !== undefined) q = q.where('created_at', '<', filter.created_before);
    const before = filter.before_job_id;
    if (before !== undefined) {
      q = q.where('created_seq', '<', (eb) =>
        eb
          .selectFrom('jobs as cursor')
          .select('cursor.created_seq')
          .where('cursor.env_id', '=', filter.env_id)
          .where('cursor.job_id', '=', before),
      );
    }
    return docs(await q.orderBy('created_seq', 'desc').limit(filter.limit).execute());
  }

  async lockLinkJobs(key: LinkKey): Promise<void> {
    if (this.#dialect !== 'postgres') return;
    await sql`select pg_advisory_xact_lock(hashtextextended(${linkKeyString(key)}, 0))`.execute(this.#db());
  }

  async listActiveJobsForLink(key: LinkKey): Promise<Job[]> {
    return docs(
      await this.#db()
        .selectFrom('jobs')
        .select('doc')
        .where('env_id', '=', key.env_id)
        .where('flow_id', '=', key.flow_id)
        .where('tenant', '=', key.tenant)
        .where('link_role', '=', key.role)
        .where('link_connector', '=', key.connector_id)
        .where('status', 'not in', TERMINAL)
        .orderBy('created_seq')
        .execute(),
    );
  }

  async listJobsByStatus(statuses: JobStatus[], limit: number): Promise<Job[]> {
    if (statuses.length === 0 || limit <= 0) return [];
    return docs(
      await this.#db()
        .selectFrom('jobs')
        .select('doc')
        .where('status', 'in', statuses)
        .orderBy('created_seq')
        .limit(limit)
        .execute(),
    );
  }

  // ---- event outbox (event-outbox-rows.ts)

  insertEvent(event: OutboxEvent): Promise<void> {
    return insertEventRow(this.#db(), event);
  }

  /** Oldest first (insertion order, the order delivery keeps). */
  listEvents(envId: string, limit: number): Promise<OutboxEvent[]> {
    return listEventRows(this.#db(), envId, limit);
  }

  // ---- internals

  /** Runs fn in a transaction, or in the caller's when this view is already bound to one. */
  async #atomically<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    const db = this.#db();
    return db.isTransaction ? fn(db) : db.transaction().execute(fn);
  }
}

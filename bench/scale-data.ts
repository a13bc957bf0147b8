/**
 * The data of bench/scale.ts, written straight into a migrated PostgreSQL schema with COPY: tenants,
 * links (three flows each), a schedule per tenant, and jobs in creation order over the days the
 * stage covers. A stage only adds (`from` → `to`), so 10 %, 50 % and 100 % are one growing store,
 * as a real one grows. Rows are shaped as the store writes them (the doc column is the object).
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { PLAIN_JOB_FIELDS } from './bench-job-fields.js';

export const ENV = 'bench.sinew.local';
export const FLOWS = Array.from({ length: 20 }, (_, i) => `flow${String(i).padStart(2, '0')}`);
export const DAY_MS = 24 * 3600 * 1000;
/** The full load: issue #19's figures. */
export const FULL = { tenants: 100_000, linksPerTenant: 3, jobs: 1_000_000, days: 30 };

/** The status mix of ended jobs (weights out of 1000); active ones are only the newest few. */
const ENDED: Array<[string, number]> = [
  ['JOB_COMPLETED', 900],
  ['SYNC_FAILED', 40],
  ['EXPORT_FAILED', 25],
  ['ETL_FAILED', 10],
  ['DISCOVER_FAILED', 5],
  ['JOB_CANCELLED', 20],
];
const ACTIVE = ['JOB_CREATED', 'SYNC_STARTED', 'EXPORT_STARTED'];

export const tenantId = (i: number): string => `t${String(i).padStart(6, '0')}`;
/** The three flows tenant i links: spread so every flow has the same number of links. */
export const flowsOf = (i: number): string[] => [FLOWS[i % 20]!, FLOWS[(i + 7) % 20]!, FLOWS[(i + 13) % 20]!];
export const jobId = (n: number): string => `j${String(n).padStart(7, '0')}`;

/** A deterministic generator, so every run loads the same data. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const csv = (v: string | number | null): string => (v === null ? '' : `"${String(v).replace(/"/g, '""')}"`);

async function copyRows(
  client: pg.PoolClient,
  table: string,
  columns: string[],
  rows: Iterable<(string | number | null)[]>,
): Promise<void> {
  const lines = (function* () {
    let chunk = '';
    for (const row of rows) {
      chunk += `${row.map(csv).join(',')}\n`;
      if (chunk.length > 1 << 20) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  })();
  await pipeline(Readable.from(lines), client.query(copyFrom(`COPY ${table} (${columns.join(',')}) FROM STDIN WITH (FORMAT csv)`)));
}

/** Tenants [from, to) with their links and schedules; `sealedConfig` is one link config sealed with the server's key. */
export async function loadTenants(client: pg.PoolClient, from: number, to: number, sealedConfig: string, nowMs: number): Promise<void> {
  const at = new Date(nowMs).toISOString();
  const ids = Array.from({ length: to - from }, (_, k) => from + k);
  await copyRows(
    client,
    'tenants',
    ['env_id', 'tenant', 'doc'],
    ids.map((i) => [ENV, tenantId(i), JSON.stringify({ env_id: ENV, tenant: tenantId(i), config: {}, created_at: at })]),
  );
  const linkRows = function* () {
    for (const i of ids)
      for (const flow of flowsOf(i)) {
        const key = { env_id: ENV, flow_id: flow, tenant: tenantId(i), role: 'source', connector_id: 'csv' };
        const doc = { ...key, config_encrypted: sealedConfig, field_map: null, catalog: null, state: { bookmarks: {} }, schedule: null };
        yield [ENV, key.tenant, flow, 'source', 'csv', JSON.stringify({ ...doc, created_at: at, updated_at: at })];
      }
  };
  await copyRows(client, 'links', ['env_id', 'tenant', 'flow_id', 'role', 'connector_id', 'doc'], linkRows());
  // One hourly schedule per tenant (its first link), due over the next hour: none due at the tick measured.
  const random = rng(from + 1);
  const scheduleRows = ids.map((i) => {
    const key = { env_id: ENV, tenant: tenantId(i), flow_id: flowsOf(i)[0]!, role: 'source', connector_id: 'csv' };
    const doc = { ...key, schedule_expression: '0 * * * *', state: 'ENABLED', job_type: null, when_active: 'skip', request: {} };
    const next = nowMs + 60_000 + Math.floor(random() * 3_540_000);
    return [
      key.env_id,
      key.tenant,
      key.flow_id,
      key.role,
      key.connector_id,
      'ENABLED',
      next,
      JSON.stringify({ ...doc, created_at: at, updated_at: at }),
    ];
  });
  await copyRows(
    client,
    'schedules',
    ['env_id', 'tenant', 'flow_id', 'role', 'connector_id', 'state', 'next_fire_at', 'doc'],
    scheduleRows,
  );
}

/**
 * Jobs [from, to) of the full timeline: job n is created at start + n/total of FULL.days, by a
 * random tenant among the first `tenants` on one of its flows. Returns the newest creation time.
 */
export async function loadJobs(
  client: pg.PoolClient,
  from: number,
  to: number,
  tenants: number,
  startMs: number,
  total: number,
): Promise<number> {
  const random = rng(from + 7);
  const step = (FULL.days * DAY_MS) / total;
  let newest = startMs;
  const rows = function* () {
    for (let n = from; n < to; n++) {
      const t = Math.floor(random() * tenants);
      const flow = flowsOf(t)[Math.floor(random() * 3)]!;
      const created = Math.floor(startMs + n * step);
      newest = created;
      // The newest few jobs of a stage are still running, as at any moment of a busy day.
      const status = to - n <= 300 ? ACTIVE[n % ACTIVE.length]! : pick(random());
      const root = `${tenantId(t)}/flows/${flow}/jobs/${new Date(created).toISOString().slice(0, 16).replace(/[-T:]/g, '/')}/${jobId(n)}`;
      yield [
        jobId(n),
        ENV,
        flow,
        tenantId(t),
        'source',
        'csv',
        status,
        root,
        created,
        jobDoc(jobId(n), flow, tenantId(t), status, root, created),
      ];
    }
  };
  const columns = ['job_id', 'env_id', 'flow_id', 'tenant', 'link_role', 'link_connector', 'status', 's3_root', 'created_at', 'doc'];
  await copyRows(client, 'jobs', columns, rows());
  return newest;
}

function pick(x: number): string {
  let acc = 0;
  for (const [status, weight] of ENDED) {
    acc += weight / 1000;
    if (x < acc) return status;
  }
  return 'JOB_COMPLETED';
}

/** A job document with the fields a real one carries (blueprint §3), about 1 KB. */
function jobDoc(id: string, flow: string, tenant: string, status: string, root: string, created: number): string {
  const start = new Date(created).toISOString();
  const failed = status.endsWith('_FAILED');
  return JSON.stringify({
    ...PLAIN_JOB_FIELDS,
    job_id: id,
    env_id: ENV,
    flow_id: flow,
    job_name: 'scheduled',
    tenant,
    started_by: 'scheduler',
    s3_root: root,
    start_time: start,
    state: { bookmarks: { contacts: { replication_key: 'updated_at', replication_key_value: start } } },
    job_type: 'read',
    status,
    scheduled_job: true,
    task_id: id,
    task_type: 'sync',
    metrics: { recordCount: { contacts: 1200, companies: 80 } },
    data_sizes: { sync_output: 412, etl_output: 398, snapshots: 0, total: 810 },
    last_updated: start,
    error: failed ? 'the source answered 503 Service Unavailable three times' : null,
    status_timestamp: { JOB_CREATED: created, SYNC_STARTED: created + 150, SYNC_SUCCESS: created + 2100, JOB_COMPLETED: created + 4200 },
    resources_usage: { memoryUsage: 96 },
  });
}

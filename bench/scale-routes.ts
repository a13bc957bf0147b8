/**
 * The routes an owner calls most, as bench/scale.ts times them: the environment-wide job list
 * (filters, a deep cursor page), a tenant's links, one job. Each request's parameters are drawn
 * from the loaded data, so the database cannot answer every sample from one cached page.
 */
import type pg from 'pg';
import { DAY_MS, ENV, FLOWS, tenantId } from './scale-data.js';

export interface Sample {
  tenant: string;
  flow: string;
  job_id: string;
  s3_root: string;
}

/** What the routes draw from: random jobs, cursors deep in the list, the newest creation time. */
export interface RouteData {
  jobs: Sample[];
  deepCursors: string[];
  tenants: number;
  newestMs: number;
}

export interface Route {
  name: string;
  path: (d: RouteData, i: number) => string;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const at = <T>(list: T[], i: number): T => list[i % list.length]!;

export const ROUTES: Route[] = [
  { name: 'env jobs: first page', path: () => `/${ENV}/jobs?limit=50` },
  { name: 'env jobs: status=SYNC_FAILED', path: () => `/${ENV}/jobs?status=SYNC_FAILED&limit=50` },
  { name: 'env jobs: flow_id', path: (_, i) => `/${ENV}/jobs?flow_id=${at(FLOWS, i)}&limit=50` },
  { name: 'env jobs: tenant_id', path: (d, i) => `/${ENV}/jobs?tenant_id=${tenantId((i * 7919) % d.tenants)}&limit=50` },
  {
    name: 'env jobs: created, 1 h a day ago',
    path: (d) => `/${ENV}/jobs?created_after=${iso(d.newestMs - DAY_MS - 3600_000)}&created_before=${iso(d.newestMs - DAY_MS)}&limit=50`,
  },
  {
    name: 'env jobs: failed + flow + last 7 d',
    path: (d, i) =>
      `/${ENV}/jobs?status=SYNC_FAILED,EXPORT_FAILED&flow_id=${at(FLOWS, i)}&created_after=${iso(d.newestMs - 7 * DAY_MS)}&limit=50`,
  },
  { name: 'env jobs: deep cursor page', path: (d, i) => `/${ENV}/jobs?limit=50&before=${at(d.deepCursors, i)}` },
  { name: 'env jobs: deep cursor + status', path: (d, i) => `/${ENV}/jobs?status=SYNC_FAILED&limit=50&before=${at(d.deepCursors, i)}` },
  { name: "tenant's links (linkedSources)", path: (d, i) => `/${ENV}/${at(d.jobs, i).flow}/${at(d.jobs, i).tenant}/linkedSources` },
  { name: "tenant's flows (flows/linked)", path: (d, i) => `/${ENV}/flows/linked?tenant_id=${at(d.jobs, i).tenant}` },
  { name: "tenant's jobs (one flow)", path: (d, i) => `/${ENV}/${at(d.jobs, i).flow}/${at(d.jobs, i).tenant}/jobs` },
  { name: 'job status (by id)', path: (d, i) => `/${ENV}/${at(d.jobs, i).flow}/${at(d.jobs, i).tenant}/jobs/${at(d.jobs, i).job_id}` },
  {
    name: 'job status (by job_root)',
    path: (d, i) =>
      `/${ENV}/${at(d.jobs, i).flow}/${at(d.jobs, i).tenant}/jobs/status?job_root=${encodeURIComponent(at(d.jobs, i).s3_root)}`,
  },
];

/** Random jobs and cursors 80–95 % deep into the environment's list (newest first). */
export async function routeData(pool: pg.Pool, tenants: number, newestMs: number): Promise<RouteData> {
  const jobs = (await pool.query<Sample>('select tenant, flow_id as flow, job_id, s3_root from jobs order by random() limit 500')).rows;
  const { rows } = await pool.query<{ n: string }>('select count(*) as n from jobs');
  const total = Number(rows[0]!.n);
  const deepCursors: string[] = [];
  for (let k = 0; k < 20; k++) {
    const offset = Math.floor(total * (0.8 + (0.15 * k) / 20));
    const r = await pool.query<{ job_id: string }>('select job_id from jobs order by created_seq desc offset $1 limit 1', [offset]);
    deepCursors.push(r.rows[0]!.job_id);
  }
  return { jobs: jobs.sort(() => Math.random() - 0.5), deepCursors, tenants, newestMs };
}

/** Times `samples` sequential GETs of a route after `warmup` untimed ones; latencies in ms, sorted. */
export async function timeRoute(
  url: string,
  key: string,
  route: Route,
  data: RouteData,
  o: { warmup: number; samples: number },
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < o.warmup + o.samples; i++) {
    const path = route.path(data, i);
    const t0 = performance.now();
    const res = await fetch(`${url}${path}`, { headers: { 'x-api-key': key } });
    const body = await res.text();
    const ms = performance.now() - t0;
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${body.slice(0, 300)}`);
    if (i >= o.warmup) times.push(ms);
  }
  return times.sort((a, b) => a - b);
}

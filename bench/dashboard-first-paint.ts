/**
 * The dashboard's jobs page on an environment with 100,000 jobs: time from navigation to the first
 * page of jobs painted in Chromium (Debian's, through playwright-core), on loopback. The jobs are
 * seeded straight through the store (minutes through the API), over 7 days, a tenth of them failed,
 * spread over 500 tenants and 3 flows. Sinew runs in this process as the API only (no worker picks
 * the seeded jobs up). Each run is a fresh browser context (no cache); the median is printed, and
 * the overview aggregate's and the job list's answer times beside it. Target: under 1 s.
 * Usage: node --import tsx bench/dashboard-first-paint.ts [--jobs N (default 100000)] [--repeat K (default 5)]
 */
import { performance } from 'node:perf_hooks';
import { chromium } from 'playwright-core';
import { buildWeb } from '../scripts/build-web.js';
import { startSinew } from '../src/app/start-sinew.js';
import { readRuntimeConfig } from '../src/config/runtime-config.js';
import type { Job, JobStatus } from '../src/model/job.js';
import type { Store } from '../src/store/store.js';
import { PLAIN_JOB_FIELDS } from './bench-job-fields.js';
import { runMain } from './exit-cleanup.js';
import { describeMachine } from './machine-load.js';
import { median } from './median.js';
import { makeTempDir } from './temp-dir.js';
import { formatTable } from './text-table.js';

const TARGET_MS = 1000;
const CHROMIUM = process.env.SINEW_TEST_CHROMIUM ?? '/usr/bin/chromium';
const ENV = 'bench.sinew.local';
const KEY = 'sk_bench_dashboard_first_paint_0123456789';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]?.replaceAll('_', '')) : fallback;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} needs a positive integer`);
  return v;
}

/** A finished job as the worker leaves it: every field of the job object, statuses stamped. */
function seededJob(i: number, now: number, total: number): Job {
  const created = now - Math.floor(((total - i) / total) * 7 * 86_400_000);
  const failed = i % 10 === 0;
  const status: JobStatus = failed ? (i % 20 === 0 ? 'ETL_FAILED' : 'SYNC_FAILED') : 'JOB_COMPLETED';
  const tenant = `tenant_${i % 500}`;
  const flow = `flow${i % 3}`;
  const id = `b${i.toString(36).padStart(8, '0')}`;
  const d = new Date(created);
  const root = `${tenant}/flows/${flow}/jobs/${d.toISOString().slice(0, 16).replace(/[-T:]/g, '/')}/${id}`;
  const took = 2_000 + (i % 97) * 300;
  return {
    ...PLAIN_JOB_FIELDS,
    job_id: id,
    env_id: ENV,
    flow_id: flow,
    job_name: `csv_job:${id}`,
    tenant,
    started_by: 'api',
    s3_root: root,
    start_time: d.toISOString(),
    state: {},
    job_type: null,
    status,
    scheduled_job: i % 4 === 0,
    task_id: id,
    task_type: 'local',
    task_definition: { id: 'local', memory: 512, cpu: 1 },
    discover_install_uri: null,
    target_install_uri: null,
    metrics: { recordCount: { customers: i % 1000, orders: (i * 7) % 1000 } },
    data_sizes: { sync_output: 12.5, etl_output: 11.2, snapshots: 0, total: 23.7 },
    last_updated: new Date(created + took).toISOString(),
    error: failed ? 'the source answered 500 (seeded)' : null,
    status_timestamp: { JOB_CREATED: created, SYNC_STARTED: created + 100, [status]: created + took },
    resources_usage: { memoryUsage: 90 },
    sealed_overrides: null,
  };
}

async function seed(store: Store, total: number): Promise<void> {
  const now = Date.now();
  for (let start = 0; start < total; start += 5_000) {
    await store.transaction(async (tx) => {
      for (let i = start; i < Math.min(total, start + 5_000); i++) await tx.jobs.insert(seededJob(i, now, total));
    });
  }
}

async function timed<T>(fn: () => Promise<T>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

runMain(async () => {
  const jobs = option('--jobs', 100_000);
  const repeat = option('--repeat', 5);
  await buildWeb();
  const dir = await makeTempDir('dashboard');
  const sinew = await startSinew(
    readRuntimeConfig({
      PORT: '0',
      SINEW_DATA_DIR: dir.path,
      SINEW_ENV_ID: ENV,
      SINEW_API_KEY: KEY,
      SINEW_LOG_LEVEL: 'warn',
      SINEW_EXAMPLE: 'false',
    }),
    { api: true, worker: false, scheduler: false },
  );
  try {
    const seedMs = await timed(() => seed(sinew.services.store, jobs));
    const api = (p: string) => fetch(`${sinew.url}${p}`, { headers: { 'x-api-key': KEY } }).then((r) => r.text());
    const listMs = await timed(() => api(`/${ENV}/jobs?limit=50`));
    const filteredMs = await timed(() => api(`/${ENV}/jobs?limit=50&status=ETL_FAILED&tenant_id=tenant_40`));
    const overviewMs = await timed(() => api(`/${ENV}/jobs/overview`));

    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    const paints: number[] = [];
    try {
      for (let r = 0; r < repeat; r++) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        // Signed in already, as after the sign-in form: the session is in sessionStorage.
        await context.addInitScript(
          `sessionStorage.setItem('sinew.dashboard.session', ${JSON.stringify(JSON.stringify({ env: ENV, key: KEY }))})`,
        );
        const page = await context.newPage();
        await page.goto(`${sinew.url}/#/jobs`);
        await page.locator('table.jobs tbody tr').first().waitFor();
        // The mark is set when the first rows are committed to the DOM; the next frame paints them.
        paints.push(
          await page.evaluate<number>(
            "new Promise((resolve) => requestAnimationFrame(() => resolve(performance.getEntriesByName('sinew:jobs-listed')[0].startTime)))",
          ),
        );
        await context.close();
      }
    } finally {
      await browser.close();
    }
    const first = median(paints);
    process.stdout.write(`dashboard first paint — ${describeMachine()}\n`);
    process.stdout.write(
      formatTable(
        ['jobs', 'seeded in', 'GET /{env}/jobs', 'filtered', 'GET /{env}/jobs/overview', 'jobs page painted (median)', 'runs'],
        [
          [
            jobs.toLocaleString('en-US'),
            `${(seedMs / 1000).toFixed(1)} s`,
            `${listMs.toFixed(0)} ms`,
            `${filteredMs.toFixed(0)} ms`,
            `${overviewMs.toFixed(0)} ms`,
            `${first.toFixed(0)} ms`,
            paints.map((p) => p.toFixed(0)).join(', '),
          ],
        ],
      ),
    );
    process.stdout.write(
      `\n${first < TARGET_MS ? 'OK' : 'SLOW'}: first paint of the jobs page ${first.toFixed(0)} ms (target < ${TARGET_MS} ms)\n`,
    );
  } finally {
    await sinew.stop();
    await dir.remove();
  }
});

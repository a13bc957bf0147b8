/**
 * Issue #19, "scale on paper, checked by measurement": 100,000 tenants, 300,000 links (and a
 * schedule per tenant) and 1,000,000 jobs over 30 days in a fresh PostgreSQL schema, migrated by
 * Sinew's own migrations and loaded with COPY in three stages (10 %, 50 %, 100 %). At each stage it
 * times, through HTTP against a compiled `sinew api` on that schema, the routes an owner uses most
 * (bench/scale-routes.ts: p50/p99 after a warm-up, one request at a time), and in this process the
 * scheduler's tick (nothing due; and firing 100 due schedules). At 100 % it times one retention pass.
 * Usage: node --import tsx bench/scale.ts [--scale F (1 = the full figures)] [--samples N] [--warmup N] [--no-build]
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { applyMigrations } from '../src/app/apply-migrations.js';
import { bootstrapEnvironment } from '../src/app/bootstrap.js';
import { createServices } from '../src/app/create-services.js';
import { readRuntimeConfig } from '../src/config/runtime-config.js';
import { sealJson } from '../src/crypto/sealed-json.js';
import { SecretBox } from '../src/crypto/secret-box.js';
import { RetentionPruner } from '../src/retention/retention-pruner.js';
import { Scheduler } from '../src/schedules/scheduler.js';
import { createPostgresSchema, TEST_DATABASE_URL } from '../test/support/postgres-schema.js';
import { buildDist } from './build-dist.js';
import { onCleanup, runMain } from './exit-cleanup.js';
import { describeMachine } from './machine-load.js';
import { percentile } from './percentile.js';
import { DAY_MS, ENV, FLOWS, FULL, loadJobs, loadTenants } from './scale-data.js';
import { loadSettledEvents } from './scale-events.js';
import { ROUTES, routeData, timeRoute } from './scale-routes.js';
import { startSinewServer } from './sinew-server.js';
import { makeTempDir } from './temp-dir.js';
import { formatTable } from './text-table.js';

const STAGES = [0.1, 0.5, 1];

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}

const ms = (v: number): string => v.toFixed(1);

async function main(): Promise<void> {
  const scale = option('--scale', 1);
  const samples = option('--samples', 200);
  const warmup = option('--warmup', 30);
  buildDist(process.argv.includes('--no-build'));
  const full = { tenants: Math.round(FULL.tenants * scale), jobs: Math.round(FULL.jobs * scale) };

  const schema = await createPostgresSchema();
  onCleanup(() => schema.drop());
  const data = await makeTempDir('scale');
  onCleanup(() => data.remove());
  const env = {
    SINEW_DATABASE_URL: schema.url,
    SINEW_DATABASE_SCHEMA: schema.schema,
    SINEW_SECRET_KEY: SecretBox.generateSecret(),
    SINEW_ENV_ID: ENV,
    SINEW_API_KEY: `sk_bench_${randomBytes(16).toString('hex')}`,
    SINEW_DATA_DIR: data.path,
    SINEW_EXAMPLE: 'false',
    SINEW_LOG_LEVEL: 'warn',
  };
  const config = readRuntimeConfig(env);
  await applyMigrations(config);
  const services = await createServices(config, pino({ level: 'warn' }));
  onCleanup(async () => {
    await services.queue.close();
    await services.store.close();
  });
  await bootstrapEnvironment(services, config);
  const now = new Date().toISOString();
  for (const flow_id of FLOWS)
    await services.store.flows.put({
      env_id: ENV,
      flow_id,
      name: flow_id,
      type: 'v1-source',
      connectors: ['csv'],
      target: { connector: 'jsonl', config: { path: `${data.path}/out` } },
      created_at: now,
      updated_at: now,
    });
  const sealed = sealJson(services.box, { path: 'in.csv' });
  const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${schema.schema}`, max: 2 });
  onCleanup(() => pool.end());
  const server = await startSinewServer({ command: 'api', env });
  onCleanup(() => server.stop());

  const startMs = Date.now() - FULL.days * DAY_MS;
  const results = new Map<string, string[]>();
  const loads: (string | number)[][] = [];
  let tenants = 0;
  let jobs = 0;
  let newestMs = startMs;
  for (const stage of STAGES) {
    const t0 = performance.now();
    const client = await pool.connect();
    try {
      const toTenants = Math.round(full.tenants * stage);
      // Schedules fall due a day after the load: no tick measured here fires them by accident.
      await loadTenants(client, tenants, toTenants, sealed, Date.now() + DAY_MS);
      tenants = toTenants;
      const toJobs = Math.round(full.jobs * stage);
      newestMs = await loadJobs(client, jobs, toJobs, tenants, startMs, full.jobs);
      jobs = toJobs;
      await client.query('analyze');
    } finally {
      client.release();
    }
    const loadS = (performance.now() - t0) / 1000;
    loads.push([
      `${stage * 100} %`,
      tenants.toLocaleString('en-US'),
      (tenants * 3).toLocaleString('en-US'),
      jobs.toLocaleString('en-US'),
      loadS.toFixed(1),
    ]);
    process.stderr.write(`stage ${stage * 100} %: loaded in ${loadS.toFixed(1)} s; timing routes\n`);
    const d = await routeData(pool, tenants, newestMs);
    for (const route of ROUTES) {
      const times = await timeRoute(server.url, server.key, route, d, { warmup, samples });
      results.set(route.name, [...(results.get(route.name) ?? []), ms(percentile(times, 50)), ms(percentile(times, 99))]);
    }
    const tick = await timeTicks(services, pool, warmup, Math.max(20, samples / 4));
    results.set('scheduler tick (none due)', [...(results.get('scheduler tick (none due)') ?? []), ms(tick.p50), ms(tick.p99)]);
    const fired = await timeFiring(services, pool, 100);
    results.set('scheduler tick firing 100 (ms/job)', [...(results.get('scheduler tick firing 100 (ms/job)') ?? []), ms(fired), '']);
  }
  const pass = await timePrune(services, pool, newestMs, Math.round(100_000 * scale));
  const sizes = await tableSizes(pool);
  await print(loads, results, pass, sizes, samples, warmup);
}

/** The scheduler role's loop body with nothing due, as it runs when it wakes: due rows, stale claims, next wake. */
async function timeTicks(services: Awaited<ReturnType<typeof createServices>>, _pool: pg.Pool, warmup: number, n: number) {
  const scheduler = new Scheduler({ store: services.store, jobs: services.jobs, box: services.box, logger: services.logger });
  const times: number[] = [];
  for (let i = 0; i < warmup + n; i++) {
    const t0 = performance.now();
    const report = await scheduler.runOnce(Date.now());
    await services.store.schedules.earliestNextFire();
    if (report.fired > 0) throw new Error('a schedule fell due during the idle tick');
    if (i >= warmup) times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

/** Makes `n` schedules due and times the tick that fires them: ms per job created. */
async function timeFiring(services: Awaited<ReturnType<typeof createServices>>, pool: pg.Pool, n: number): Promise<number> {
  const due = Date.now() - 1000;
  await pool.query('update schedules set next_fire_at = $1 where ctid in (select ctid from schedules order by random() limit $2)', [
    due,
    n,
  ]);
  const scheduler = new Scheduler({ store: services.store, jobs: services.jobs, box: services.box, logger: services.logger });
  const t0 = performance.now();
  const report = await scheduler.runOnce(Date.now());
  const elapsed = performance.now() - t0;
  if (report.fired === 0) throw new Error(`the tick fired nothing: ${JSON.stringify(report)}`);
  return elapsed / report.fired;
}

/** One retention pass removing the oldest day of jobs and `events` settled events (with deliveries and attempts). */
async function timePrune(services: Awaited<ReturnType<typeof createServices>>, pool: pg.Pool, newestMs: number, events: number) {
  await loadSettledEvents(pool, events, newestMs - 40 * DAY_MS);
  await pool.query('analyze');
  await services.settings.put(ENV, { retention: { jobs_days: FULL.days - 1, events_days: FULL.days - 1 } });
  const pruner = new RetentionPruner({ store: services.store, storage: services.storageRouter, logger: services.logger });
  const t0 = performance.now();
  const report = await pruner.pruneOnce(newestMs);
  return { seconds: (performance.now() - t0) / 1000, ...report };
}

async function tableSizes(pool: pg.Pool): Promise<(string | number)[][]> {
  const { rows } = await pool.query<{ name: string; rows: string; total: string; indexes: string }>(
    `select c.relname as name, c.reltuples::bigint as rows, pg_total_relation_size(c.oid) as total, pg_indexes_size(c.oid) as indexes
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind = 'r' and c.relname in ('jobs', 'links', 'tenants', 'schedules', 'events')
      order by pg_total_relation_size(c.oid) desc`,
  );
  const mib = (b: string): string => (Number(b) / 2 ** 20).toFixed(0);
  return rows.map((r) => [r.name, Number(r.rows).toLocaleString('en-US'), mib(r.total), mib(r.indexes)]);
}

async function print(
  loads: (string | number)[][],
  results: Map<string, string[]>,
  pass: Awaited<ReturnType<typeof timePrune>>,
  sizes: (string | number)[][],
  samples: number,
  warmup: number,
): Promise<void> {
  const out = process.stdout;
  out.write(`\n## Scale: the owner's routes as the store grows (PostgreSQL, one request at a time)\n# ${describeMachine()}\n\n`);
  out.write(`${formatTable(['stage', 'tenants', 'links', 'jobs', 'load s (COPY)'], loads)}\n\n`);
  const head = ['route (ms)', ...STAGES.flatMap((s) => [`${s * 100}% p50`, `${s * 100}% p99`]), 'growth'];
  // On a shared machine every latency moves with the load; a primary-key read of one job cannot
  // grow with the data, so a route's p50 growth (100 % / 10 %) is shown divided by that read's.
  const growth = (cells: string[]): number => Number(cells[cells.length - 2]) / Number(cells[0]);
  const reference = growth(results.get('job status (by id)') ?? ['1', '', '1', '']);
  const rows = [...results].map(([name, cells]) => [name, ...cells, cells[1] === '' ? '' : `${(growth(cells) / reference).toFixed(1)}×`]);
  out.write(`${formatTable(head, rows)}\n`);
  out.write('growth: p50 at 100 % / p50 at 10 %, divided by the same ratio of `job status (by id)` (flat by construction).\n');
  out.write(
    `\n${samples} samples per route and stage after ${warmup} warm-up requests; routes over HTTP to \`sinew api\`, the tick in this process.\n\n`,
  );
  const rate = (n: number) => (pass.seconds > 0 ? Math.round(n / pass.seconds).toLocaleString('en-US') : '-');
  out.write(
    `${formatTable(
      ['retention pass', 'jobs', 'events', 'deliveries', 'attempts', 'seconds', 'jobs+events/s'],
      [
        [
          'oldest day of jobs, 40-day-old events',
          pass.jobs,
          pass.events,
          pass.deliveries,
          pass.attempts,
          pass.seconds.toFixed(2),
          rate(pass.jobs + pass.events),
        ],
      ],
    )}\n\n`,
  );
  out.write(`${formatTable(['table', 'rows', 'total MiB', 'indexes MiB'], sizes)}\n`);
}

runMain(main);

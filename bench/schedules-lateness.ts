/**
 * 10,000 ENABLED every-minute schedules in one environment fire on time. The links and schedules
 * are written through the store directly (creating 10,000 links through the API would take minutes
 * and measure the API, not the scheduler); then `sinew scheduler` (compiled dist/, scheduler role
 * only: no API, no worker, so no job process runs) is started as a child and the benchmark waits
 * for the tick. Lateness of a job = its start_time (set when the job row is created) − the tick it
 * was due. Prints count, p50, p99 and max, on SQLite and (with --postgres) PostgreSQL.
 * Usage: node --import tsx bench/schedules-lateness.ts [--schedules N] [--postgres] [--no-build]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { applyMigrations } from '../src/app/apply-migrations.js';
import { bootstrapEnvironment } from '../src/app/bootstrap.js';
import { createServices } from '../src/app/create-services.js';
import { type RuntimeConfig, readRuntimeConfig } from '../src/config/runtime-config.js';
import { sealJson } from '../src/crypto/sealed-json.js';
import type { Schedule } from '../src/model/schedule.js';
import { createPostgresSchema } from '../test/support/postgres-schema.js';
import { buildDist } from './build-dist.js';
import { killGroup, onCleanup, runMain, trackProcessGroup, trackTempDir } from './exit-cleanup.js';
import { percentile } from './percentile.js';
import { REPO_ROOT, stopChild } from './sinew-server.js';

const ENV = 'bench.sinew.local';
const FLOW = 'sched-bench';

async function populate(config: RuntimeConfig, n: number, firstTick: number): Promise<void> {
  const services = await createServices(config, pino({ level: 'warn' }));
  try {
    await bootstrapEnvironment(services, config);
    const now = new Date().toISOString();
    const { store, box } = services;
    await store.flows.put({
      env_id: ENV,
      flow_id: FLOW,
      name: FLOW,
      type: 'v1-source',
      connectors: ['csv'],
      target: { connector: 'jsonl', config: { path: path.join(config.dataDir, 'out') } },
      created_at: now,
      updated_at: now,
    });
    const sealed = sealJson(box, { path: path.join(config.dataDir, 'in') });
    for (let start = 0; start < n; start += 1000) {
      await store.transaction(async (tx) => {
        for (let i = start; i < Math.min(n, start + 1000); i++) {
          const key = { env_id: ENV, flow_id: FLOW, tenant: `tenant-${i}`, role: 'source' as const, connector_id: 'csv' };
          await tx.tenants.put({ env_id: ENV, tenant: key.tenant, config: {}, created_at: now });
          await tx.links.put({
            ...key,
            config_encrypted: sealed,
            field_map: null,
            catalog: null,
            state: null,
            schedule: null,
            created_at: now,
            updated_at: now,
          });
          const schedule: Schedule = {
            ...key,
            schedule_expression: '* * * * *',
            state: 'ENABLED',
            job_type: null,
            when_active: 'skip',
            request: {},
            sealed_overrides: null,
            created_at: now,
            updated_at: now,
          };
          await tx.schedules.putSchedule(schedule, firstTick);
        }
      });
    }
  } finally {
    await services.queue.close();
    await services.store.close();
  }
}

async function measure(label: string, n: number, env: Record<string, string>): Promise<void> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sinew-bench-sched-'));
  trackTempDir(dataDir);
  const vars = {
    SINEW_DATA_DIR: dataDir,
    SINEW_ENV_ID: ENV,
    SINEW_API_KEY: `sk_bench_${Date.now()}`,
    SINEW_EXAMPLE: 'false',
    SINEW_LOG_LEVEL: 'warn',
    ...env,
  };
  const config = readRuntimeConfig(vars);
  // The first tick: the next minute boundary at least 20 s away (populating takes a few seconds).
  const firstTick = Math.ceil((Date.now() + 20_000) / 60_000) * 60_000;
  const t0 = Date.now();
  await populate(config, n, firstTick);
  process.stdout.write(
    `# ${label}: ${n} links + schedules written in ${((Date.now() - t0) / 1000).toFixed(1)} s; tick at ${new Date(firstTick).toISOString()}\n`,
  );

  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/sinew.js'), 'scheduler'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...vars },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  const untrack = trackProcessGroup(child.pid!);
  const unregister = onCleanup(() => stopChild(child));
  const services = await createServices(config, pino({ level: 'warn' }));
  try {
    const deadline = firstTick + 5 * 60_000;
    let jobs = await services.store.jobs.list({ env_id: ENV, limit: n });
    while (jobs.length < n && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, Date.now() < firstTick ? Math.max(100, firstTick - Date.now()) : 1000));
      jobs = await services.store.jobs.list({ env_id: ENV, limit: n });
    }
    await stopChild(child);
    const late = jobs
      .filter((j) => j.scheduled_job)
      .map((j) => Date.parse(j.start_time) - firstTick)
      .sort((a, b) => a - b);
    if (late.length < n) throw new Error(`${label}: only ${late.length} of ${n} schedules fired within 5 minutes`);
    const last = late[late.length - 1]!;
    process.stdout.write(
      `| ${label} | ${late.length} | ${percentile(late, 50)} ms | ${percentile(late, 99)} ms | ${last} ms | ${(late.length / Math.max(1, last / 1000)).toFixed(0)} jobs/s |\n`,
    );
    if (late[0]! < 0) throw new Error(`${label}: a job was created before its tick (${late[0]} ms)`);
  } finally {
    unregister();
    untrack();
    killGroup(child.pid!, 'SIGKILL');
    await services.queue.close();
    await services.store.close();
  }
}

runMain(async () => {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--schedules');
  const n = at === -1 ? 10_000 : Number(argv[at + 1]);
  buildDist(argv.includes('--no-build'));
  process.stdout.write('| store | jobs | lateness p50 | p99 | max | firing rate |\n|---|---|---|---|---|---|\n');
  await measure('SQLite', n, {});
  if (argv.includes('--postgres')) {
    const pg = await createPostgresSchema();
    onCleanup(pg.drop);
    const env = { SINEW_DATABASE_URL: pg.url, SINEW_DATABASE_SCHEMA: pg.schema };
    await applyMigrations(readRuntimeConfig(env));
    await measure('PostgreSQL', n, env);
  }
});

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { applyMigrations } from '../../src/app/apply-migrations.js';
import { readRuntimeConfig } from '../../src/config/runtime-config.js';
import { callApi, type ApiTarget } from '../../src/cli/api-client.js';
import { createPostgresSchema, postgresSkipReason, type PostgresTestSchema } from '../support/postgres-schema.js';
import { startRole, type RoleProcess } from '../support/role-process.js';
import { run, sinew } from '../cli/cli-process.js';

const skip = await postgresSkipReason();
const ENV = 'roles.sinew.local';
const KEY = `sk_test_roles_${Math.random().toString(36).slice(2)}`;

/**
 * The roles as separate processes over one PostgreSQL store, the way a deployment runs them:
 * `sinew api`, `sinew scheduler` and `sinew worker`, each its own process (from the sources).
 */
describe('sinew api, worker and scheduler as separate processes on PostgreSQL', { skip }, () => {
  let schema: PostgresTestSchema;
  let dir: string;
  const processes: RoleProcess[] = [];
  const env = (): Record<string, string> => ({
    SINEW_DATABASE_URL: schema.url,
    SINEW_DATABASE_SCHEMA: schema.schema,
    SINEW_DATA_DIR: dir,
    SINEW_ENV_ID: ENV,
    SINEW_API_KEY: KEY,
    SINEW_SECRET_KEY: 'a-test-secret-key-that-every-process-shares',
  });
  const start = async (...args: Parameters<typeof startRole>): Promise<RoleProcess> => {
    const p = await startRole(...args);
    processes.push(p);
    return p;
  };

  before(async () => {
    schema = await createPostgresSchema();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sinew-roles-'));
  });
  after(async () => {
    for (const p of processes) await p.stop('SIGKILL');
    await schema.drop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  test('a server refuses a database `sinew migrate` has not prepared, and says what to run', async () => {
    const r = await run(sinew('worker'), { env: env() });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /UNAVAILABLE: the PostgreSQL database is not migrated: run `sinew migrate` first/);
    const usage = await run(sinew('worker', '--concurrency', '0'), { env: env() });
    assert.equal(usage.code, 2, usage.stderr);
    assert.match(usage.stderr, /--concurrency must be a whole number of at least 1, got 0/);
  });

  test('the API queues jobs in pg-boss (/ready shows the real depth), a worker runs them, the scheduler fires alongside', async () => {
    await applyMigrations(readRuntimeConfig(env()));
    const api = await start('api', env());
    const target: ApiTarget = { url: api.url, key: KEY, env: ENV };
    const tenantDir = path.join(dir, 'tenant');
    const warehouse = path.join(dir, 'warehouse');
    await fs.mkdir(tenantDir);
    await fs.mkdir(warehouse);
    await fs.writeFile(path.join(tenantDir, 'customers.csv'), 'id,name\n1,Ada\n2,Grace\n');
    await callApi(target, 'PUT', `/${ENV}/flows/roles`, { name: 'roles', type: 'v1-source', connectors: ['csv'], target: { connector: 'jsonl', config: { path: warehouse } } });
    for (const tenant of ['t1', 't2']) await callApi(target, 'POST', `/${ENV}/roles/${tenant}/linkedSources`, { source: { tap: 'csv', config: { path: tenantDir } } });

    const job = await callApi<{ job_id: string }>(target, 'POST', `/${ENV}/roles/t1/jobs`, {});
    const ready = await callApi<{ status: string; checks: Record<string, { ok: boolean }>; queue_depth: number }>(target, 'GET', '/ready');
    assert.equal(ready.status, 'ready');
    assert.deepEqual(ready.checks.queue, { ok: true });
    assert.equal(ready.queue_depth, 1, 'no worker runs yet: the job waits in the queue');

    const worker = await start('worker', env(), { args: ['--concurrency', '1'] });
    assert.match(worker.stderr(), /Sinew worker running \(.+, concurrency 1, store postgres\)/);
    const done = await waitForJob(target, 't1', job.job_id);
    assert.equal(done.status, 'JOB_COMPLETED', done.error ?? undefined);
    assert.equal((await callApi<{ queue_depth: number }>(target, 'GET', '/ready')).queue_depth, 0);

    // A schedule made through the API, made due now (the API's next tick is a minute away at most):
    // the scheduler process fires it, the worker runs the job.
    await start('scheduler', env());
    await callApi(target, 'PUT', `/${ENV}/roles/t2/jobs/schedule`, { schedule_expression: '0 0 1 1 *' });
    const admin = new pg.Client({ connectionString: schema.url });
    await admin.connect();
    try {
      await admin.query(`update "${schema.schema}".schedules set next_fire_at = $1 where tenant = 't2'`, [Date.now() - 1000]);
    } finally {
      await admin.end();
    }
    let scheduled: { job_id: string; scheduled_job: boolean }[] = [];
    const deadline = Date.now() + 30_000;
    while (scheduled.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      scheduled = await callApi<{ job_id: string; scheduled_job: boolean }[]>(target, 'GET', `/${ENV}/roles/t2/jobs`);
    }
    assert.equal(scheduled.length, 1, 'the scheduler fired the tick once');
    assert.equal(scheduled[0].scheduled_job, true);
    const fired = await waitForJob(target, 't2', scheduled[0].job_id);
    assert.equal(fired.status, 'JOB_COMPLETED', fired.error ?? undefined);

    const stopped = await worker.stop('SIGTERM');
    assert.equal(stopped.code, 0, worker.stderr());
  });
});

async function waitForJob(target: ApiTarget, tenant: string, jobId: string): Promise<{ status: string; error: string | null }> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const job = await callApi<{ status: string; error: string | null }>(target, 'GET', `/${ENV}/roles/${tenant}/jobs/${jobId}`);
    if (['JOB_COMPLETED', 'JOB_CANCELLED'].includes(job.status) || job.status.endsWith('_FAILED')) return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.status} after 60 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

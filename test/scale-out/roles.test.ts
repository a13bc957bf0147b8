import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { run, sinew } from '../cli/cli-process.js';
import { type Deployment, startDeployment } from '../support/deployment.js';
import { at } from '../support/elements.js';
import { postgresSkipReason } from '../support/postgres-schema.js';
import { until } from '../support/until.js';

const skip = await postgresSkipReason();

/**
 * The roles as separate processes over one PostgreSQL store, the way a deployment runs them:
 * `sinew api`, `sinew scheduler` and `sinew worker`, each its own process (from the sources).
 */
describe('sinew api, worker and scheduler as separate processes on PostgreSQL', { skip }, () => {
  let d: Deployment;
  before(async () => {
    d = await startDeployment({ compiled: false, migrated: false });
  });
  after(async () => d.dispose());

  const waitForJob = async (tenant: string, jobId: string): Promise<{ status: string; error: string | null }> => {
    return until(`job ${jobId} ended`, 60_000, async () => {
      const job = await d.api<{ status: string; error: string | null }>('GET', `/${d.envId}/roles/${tenant}/jobs/${jobId}`);
      return ['JOB_COMPLETED', 'JOB_CANCELLED'].includes(job.status) || job.status.endsWith('_FAILED') ? job : undefined;
    });
  };

  test('a server refuses a database `sinew migrate` has not prepared, and says what to run', async () => {
    const r = await run(sinew('worker'), { env: d.env });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /UNAVAILABLE: the PostgreSQL database is not migrated: run `sinew migrate` first/);
    const usage = await run(sinew('worker', '--concurrency', '0'), { env: d.env });
    assert.equal(usage.code, 2, usage.stderr);
    assert.match(usage.stderr, /--concurrency must be a whole number of at least 1, got 0/);
    const sqlite = await run(sinew('api'), { env: { SINEW_DATA_DIR: d.env.SINEW_DATA_DIR! } });
    assert.equal(sqlite.code, 1, sqlite.stderr);
    assert.match(
      sqlite.stderr,
      /sinew api runs beside other Sinew processes and needs SINEW_DATABASE_URL \(PostgreSQL\); with SQLite, run `sinew serve`/,
    );
  });

  test('the API queues jobs in pg-boss (/ready shows the real depth), a worker runs them, the scheduler fires alongside', async () => {
    await d.migrate();
    await d.start('api');
    const tenantDir = await d.dir('tenant');
    await fs.writeFile(path.join(tenantDir, 'customers.csv'), 'id,name\n1,Ada\n2,Grace\n');
    await d.api('PUT', `/${d.envId}/flows/roles`, {
      name: 'roles',
      type: 'v1-source',
      connectors: ['csv'],
      target: { connector: 'jsonl', config: { path: await d.dir('warehouse') } },
    });
    for (const tenant of ['t1', 't2'])
      await d.api('POST', `/${d.envId}/roles/${tenant}/linkedSources`, { source: { tap: 'csv', config: { path: tenantDir } } });

    const job = await d.api<{ job_id: string }>('POST', `/${d.envId}/roles/t1/jobs`, {});
    const ready = await d.api<{ status: string; checks: Record<string, { ok: boolean }>; queue_depth: number }>('GET', '/ready');
    assert.equal(ready.status, 'ready');
    assert.deepEqual(ready.checks.queue, { ok: true });
    assert.equal(ready.queue_depth, 1, 'no worker runs yet: the job waits in the queue');

    const worker = await d.start('worker', {}, ['--concurrency', '1']);
    assert.match(worker.stderr(), /Sinew worker running \(.+, concurrency 1, store postgres\)/);
    const done = await waitForJob('t1', job.job_id);
    assert.equal(done.status, 'JOB_COMPLETED', done.error ?? undefined);
    assert.equal((await d.api<{ queue_depth: number }>('GET', '/ready')).queue_depth, 0);

    // A schedule made through the API, then made due now (its next tick is next January): the
    // scheduler process fires it, the worker runs the job.
    await d.start('scheduler');
    await d.api('PUT', `/${d.envId}/roles/t2/jobs/schedule`, { schedule_expression: '0 0 1 1 *' });
    await d.query(`update schedules set next_fire_at = $1 where tenant = 't2'`, [Date.now() - 1000]);
    const scheduled = await until('the scheduled job', 30_000, async () => {
      const jobs = await d.api<{ job_id: string; scheduled_job: boolean }[]>('GET', `/${d.envId}/roles/t2/jobs`);
      return jobs.length > 0 ? jobs : undefined;
    });
    assert.equal(scheduled.length, 1, 'the scheduler fired the tick once');
    assert.equal(at(scheduled, 0).scheduled_job, true);
    const fired = await waitForJob('t2', at(scheduled, 0).job_id);
    assert.equal(fired.status, 'JOB_COMPLETED', fired.error ?? undefined);

    const stopped = await worker.stop('SIGTERM');
    assert.equal(stopped.code, 0, worker.stderr());
  });
});

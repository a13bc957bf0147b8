import assert from 'node:assert/strict';
import { after, before, describe, type TestContext, test } from 'node:test';
import pg from 'pg';
import { buildDist } from '../../bench/build-dist.js';
import { requestApi } from '../../src/cli/api-client.js';
import { type Receiver, startReceiver } from '../events/test-receiver.js';
import { type DatabaseProxy, startDatabaseProxy } from '../support/database-proxy.js';
import { type Deployment, type JobRow, startDeployment } from '../support/deployment.js';
import { lifecycleWebhooksTo, RUN_LOG_TARGET, reportFaultRun } from '../support/fault-counts.js';
import { postgresSkipReason, TEST_DATABASE_URL } from '../support/postgres-schema.js';
import { type Role, type RoleProcess, startRole } from '../support/role-process.js';
import { fixture } from '../support/singer-flow.js';
import { until } from '../support/until.js';

const skip = await postgresSkipReason();
const TERMINAL = new Set(['DISCOVER_FAILED', 'SYNC_FAILED', 'ETL_FAILED', 'EXPORT_FAILED', 'JOB_COMPLETED', 'JOB_CANCELLED']);
const LEASE_MS = 3000;
const TENANTS = 12;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Ends the backends of this deployment's connections, and only those: every Sinew pool names its
 * connections `sinew:<schema>:<pool>` (runtime/postgres-pool.ts), and the schema is this test's.
 * Counts them per pool in `into`.
 */
async function terminateBackends(admin: pg.Client, schema: string, into: Map<string, number>): Promise<void> {
  const { rows } = await admin.query<{ application_name: string; ended: boolean }>(
    'select application_name, pg_terminate_backend(pid) as ended from pg_stat_activity where starts_with(application_name, $1) and pid <> pg_backend_pid()',
    [`sinew:${schema}:`],
  );
  for (const r of rows) {
    const pool = r.application_name.slice(`sinew:${schema}:`.length);
    if (r.ended) into.set(pool, (into.get(pool) ?? 0) + 1);
  }
}

const total = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);

/**
 * Production mode losing its database while jobs run: an API, two workers and a scheduler
 * (compiled, as deployed) on this test's own schema, reached through a proxy the test can cut.
 * What must hold is what an operator sees: no process exits, and every job reaches an end — the
 * one it really had, or the one the lease rules give it — none is left running.
 */
describe('a PostgreSQL outage', { skip, concurrency: false }, () => {
  let d: Deployment;
  let proxy: DatabaseProxy;
  let admin: pg.Client;
  let rx: Receiver;
  /** The target's writes: which run (target process) of which job wrote when. */
  let writesLog = '';
  let processes: RoleProcess[] = [];
  let apiUrl = '';
  const api = <T = unknown>(method: string, urlPath: string, body?: unknown): Promise<T> =>
    requestApi<T>({ url: apiUrl, key: d.env.SINEW_API_KEY!, env: d.envId }, method, urlPath, body);

  before(async () => {
    buildDist(false);
    proxy = await startDatabaseProxy(TEST_DATABASE_URL);
    rx = await startReceiver();
    d = await startDeployment({
      env: {
        SINEW_DATABASE_URL: proxy.url,
        SINEW_WORKER_LEASE_MS: String(LEASE_MS),
        SINEW_WORKER_CONCURRENCY: '3',
        SINEW_WEBHOOK_ALLOW_LOOPBACK: 'true',
      },
    });
    admin = new pg.Client({ connectionString: TEST_DATABASE_URL, application_name: 'sinew-test-terminator' });
    await admin.connect();
    // Started here rather than by d.start, to read their logs (stdout) too.
    const start = (role: Role) => startRole(role, d.env, { captureStdout: true, compiled: true });
    processes = [await start('api')];
    processes.push(...(await Promise.all([start('worker'), start('worker'), start('scheduler')])));
    apiUrl = processes[0]!.url;
    await api('PUT', `/${d.envId}/connectors/tap-numbers`, { kind: 'source', command: [process.execPath, fixture('tap-numbers.mjs')] });
    await api('PUT', `/${d.envId}/connectors/run-log`, { kind: 'target', command: [process.execPath, RUN_LOG_TARGET] });
    writesLog = `${await d.dir('out')}/writes.log`;
    await api('PUT', `/${d.envId}/settings`, lifecycleWebhooksTo(rx));
    // worker_loss_retries: a job whose worker lost its lease during the outage runs again.
    await api('PUT', `/${d.envId}/flows/outage`, {
      name: 'outage',
      type: 'v1-source',
      connectors: ['tap-numbers'],
      target: { connector: 'run-log', config: { path: writesLog } },
      job_settings: { force_full_sync: true, worker_loss_retries: 3 },
    });
    // ~3 s of records per job.
    for (let t = 0; t < TENANTS; t++)
      await api('POST', `/${d.envId}/outage/tenant-${t}/linkedSources`, {
        source: { tap: 'tap-numbers', config: { records: 30, sleep_ms: 100 } },
      });
  });

  after(async () => {
    for (const p of processes) await p.stop('SIGKILL');
    await admin?.end();
    await d?.dispose();
    await proxy?.close();
    await rx?.close();
  });

  /** One job per tenant, created while the database is there; resolves once `running` of them run. */
  async function startJobs(running: number): Promise<string[]> {
    const ids: string[] = [];
    for (let t = 0; t < TENANTS; t++) ids.push((await api<{ job_id: string }>('POST', `/${d.envId}/outage/tenant-${t}/jobs`, {})).job_id);
    await until(
      `${running} jobs running`,
      60_000,
      async () => (await d.jobs()).filter((j) => ids.includes(j.job_id) && j.status === 'SYNC_STARTED').length >= running,
    );
    return ids;
  }

  /** Waits up to `boundMs` after the outage for every job to end (those that do not are stuck: reportCounts); returns them. */
  async function allEnded(ids: string[], boundMs: number): Promise<JobRow[]> {
    const mine = async () => (await d.jobs()).filter((j) => ids.includes(j.job_id));
    await until('every job ended', boundMs, async () => (await mine()).every((j) => TERMINAL.has(j.status))).catch(() => undefined);
    return mine();
  }

  /** The counts issue #11 asks of a fault run (test/support/fault-counts.ts), for the jobs `ids`. */
  const reportCounts = (t: TestContext, ids: string[], injected: Record<string, number>): Promise<void> =>
    reportFaultRun(t, {
      d,
      jobIds: ids,
      injected,
      rx,
      writeLogs: [writesLog],
      whenStuck: () => processes.map((p) => `${p.role}: ${p.stderr().slice(-4000)}`),
    });

  function assertAllAlive(): void {
    for (const p of processes) {
      assert.equal(p.child.exitCode, null, `sinew ${p.role} exited (${p.child.exitCode}): ${p.stderr().slice(-3000)}`);
      assert.equal(p.child.signalCode, null, `sinew ${p.role} was killed (${p.child.signalCode})`);
      assert.doesNotMatch(p.stderr() + p.stdout(), /unhandled|uncaught/i, `sinew ${p.role}`);
    }
  }

  test('backends terminated over and over for 8 s while 12 jobs run: every pool reconnects, no process exits, every job completes', async (t) => {
    const ids = await startJobs(4);
    const ended = new Map<string, number>();
    const stopAt = Date.now() + 8000;
    let rounds = 0;
    while (Date.now() < stopAt) {
      await terminateBackends(admin, d.schema.schema, ended);
      rounds++;
      await sleep(150); // the subject: backends terminated over and over for 8 s
    }
    const outageEnd = Date.now();
    const rows = await allEnded(ids, 60_000);
    const endedAfter = Date.now() - outageEnd;
    await reportCounts(t, ids, { 'backends terminated': total(ended) });
    t.diagnostic(
      `${total(ended)} backends terminated in ${rounds} rounds (${[...ended].map(([k, v]) => `${k} ${v}`).join(', ')}); all ${ids.length} jobs ended ${endedAfter} ms after`,
    );
    assertAllAlive();
    for (const pool of ['store', 'queue', 'queue-listen'])
      assert.ok((ended.get(pool) ?? 0) > 0, `connections of the ${pool} pool were terminated`);
    // Short breaks never outlast a lease: every job's updates got through on a new connection.
    const events = await d.events();
    for (const job of rows) {
      const ends = events.filter((e) => e.job_id === job.job_id && TERMINAL.has(e.status));
      assert.deepEqual(
        ends.map((e) => e.status),
        ['JOB_COMPLETED'],
        `job ${job.job_id} ended ${job.status}: ${ends.map((e) => e.error).join('; ')}`,
      );
    }
    // A worker releases a lease just after the job's end is recorded: wait for that, not for a fixed time.
    await until(
      'no lease left behind',
      20_000,
      async () => (await d.query('select job_id from jobs where lease_owner is not null')).length === 0,
    );
  });

  test('the database gone for 6 s (twice a lease), every connection reset and new ones refused: back-off, recovery, no process exits, every job ends by the lease rules', async (t) => {
    const ids = await startJobs(4);
    proxy.cut();
    const resetsBefore = proxy.resets;
    await sleep(6000); // the subject: an outage of twice a lease
    proxy.restore();
    const outageEnd = Date.now();
    const refused = proxy.resets - resetsBefore;
    const rows = await allEnded(ids, 60_000);
    const endedAfter = Date.now() - outageEnd;
    await reportCounts(t, ids, { 'connections reset': resetsBefore + refused });
    assertAllAlive();
    const events = await d.events();
    const requeued = events.filter((e) => ids.includes(e.job_id) && e.status === 'JOB_CREATED' && /^re-queued/.test(e.message ?? ''));
    t.diagnostic(
      `${resetsBefore} connections reset at the cut, ${refused} refused during the outage; all ${ids.length} jobs ended ${endedAfter} ms after it (${requeued.length} re-queued by the lease rules): ${rows.map((j) => j.status).join(', ')}`,
    );
    assert.ok(refused > 0, 'the processes kept trying to reconnect during the outage');
    // A job whose lease was taken over during the outage ran again (worker_loss_retries 3) and
    // completed. One whose own process stopped on its lease fence (no renewal reached it in time:
    // process/lease-fence.ts) and whose worker got its lease back first was failed by that worker.
    const fenced = new Set(ids.filter((id) => processes.some((p) => p.stderr().includes(`job ${id}: its lease`))));
    for (const job of rows) {
      const ends = events.filter((e) => e.job_id === job.job_id && TERMINAL.has(e.status));
      assert.equal(ends.length, 1, `job ${job.job_id}: exactly one end (${ends.map((e) => e.status).join(', ')})`);
      if (job.status !== 'JOB_COMPLETED')
        assert.ok(fenced.has(job.job_id), `job ${job.job_id} ended ${job.status}, not by the lease rules: ${ends[0]?.error ?? ''}`);
    }
    // A worker releases a lease just after the job's end is recorded: wait for that, not for a fixed time.
    await until(
      'no lease left behind',
      20_000,
      async () => (await d.query('select job_id from jobs where lease_owner is not null')).length === 0,
    );
    // The LISTEN connection backed off while the database was away (each retry later than the last).
    const listenRetries = processes
      .flatMap((p) => p.stdout().split('\n'))
      .filter((line) => line.includes('the connection listening for new jobs was lost'))
      .map((line) => JSON.parse(line) as { failures: number; retry_in_ms: number });
    const longest = Math.max(0, ...listenRetries.map((r) => r.retry_in_ms));
    t.diagnostic(
      `jobs stopped by their lease fence: ${fenced.size}; LISTEN reconnects backed off up to ${longest} ms (${Math.max(0, ...listenRetries.map((r) => r.failures))} failures in a row)`,
    );
    assert.ok(
      listenRetries.some((r) => r.failures >= 3),
      'the LISTEN connection retried with back-off',
    );
  });
});

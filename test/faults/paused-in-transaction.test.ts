import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { buildDist } from '../../bench/build-dist.js';
import { isTerminal, type JobStatus } from '../../src/model/job.js';
import { startDeployment } from '../support/deployment.js';
import { reportFaultRun } from '../support/fault-counts.js';
import { postgresSkipReason } from '../support/postgres-schema.js';
import { fixture } from '../support/singer-flow.js';
import { until } from '../support/until.js';

const skip = await postgresSkipReason();
const LEASE_MS = 3000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A worker paused (SIGSTOP) in the middle of a database transaction keeps that transaction's row
 * locks for as long as it is paused. The job's lease still runs out, and another worker must still
 * end the job (here: fail it, no retries) — not wait on the paused worker's lock.
 */
describe('a worker paused inside a transaction', { skip, concurrency: false }, () => {
  before(() => buildDist(false));

  test('its locks do not outlive its lease: another worker ends the job by the lease rules, and the paused one carries on', async (t) => {
    const d = await startDeployment({ env: { SINEW_WORKER_LEASE_MS: String(LEASE_MS) } });
    try {
      await d.start('api');
      const first = await d.start('worker');
      await d.api('PUT', `/${d.envId}/connectors/tap-numbers`, {
        kind: 'source',
        command: [process.execPath, fixture('tap-numbers.mjs')],
        capabilities: { discover: false },
      });
      await d.api('PUT', `/${d.envId}/connectors/target-jsonl`, {
        kind: 'target',
        command: [process.execPath, fixture('target-jsonl.mjs')],
      });
      await d.api('PUT', `/${d.envId}/flows/f`, {
        name: 'f',
        type: 'v1-source',
        connectors: ['tap-numbers'],
        target: { connector: 'target-jsonl', config: { path: await d.dir('out') } },
        job_settings: { worker_loss_retries: 0, force_full_sync: true },
      });
      // A long streaming job: its progress is written to the job's row over and over.
      await d.api('POST', `/${d.envId}/f/t/linkedSources`, { source: { tap: 'tap-numbers', config: { records: 3000, sleep_ms: 20 } } });
      const { job_id } = await d.api<{ job_id: string }>('POST', `/${d.envId}/f/t/jobs`, { streaming_job: true });
      // A streaming job moves on to EXPORT_STARTED as soon as its target starts: either means running.
      await until('the job running', 60_000, async () =>
        (await d.jobs()).some((j) => j.job_id === job_id && (j.status === 'SYNC_STARTED' || j.status === 'EXPORT_STARTED')),
      );

      // A connection of this deployment left open in a transaction that holds a lock on the jobs table.
      const inTransaction = async (): Promise<boolean> =>
        (
          await d.query(
            `select 1 from pg_stat_activity a join pg_locks l on l.pid = a.pid
             where a.application_name = $1 and a.state = 'idle in transaction' and l.relation = 'jobs'::regclass`,
            [`sinew:${d.schema.schema}:store`],
          )
        ).length > 0;
      const pid = first.child.pid!;
      let pauses = 0;
      let caught = false;
      try {
        // The subject: pause the worker again and again until a pause lands inside a transaction.
        while (!caught && pauses < 300) {
          process.kill(pid, 'SIGSTOP');
          pauses++;
          await sleep(150); // what it had sent is answered: the transaction (if any) now waits for the paused worker
          caught = await inTransaction();
          if (!caught) {
            process.kill(pid, 'SIGCONT');
            await sleep((pauses % 7) * 10);
          }
        }
        assert.ok(caught, `no pause of ${pauses} landed inside a transaction`);
        const pausedAt = Date.now();
        await d.start('worker');
        await until('the job ended by the other worker', 6 * LEASE_MS, async () =>
          (await d.jobs()).find((j) => j.job_id === job_id && isTerminal(j.status as JobStatus)),
        ).catch(() => undefined);
        await reportFaultRun(t, {
          d,
          jobIds: [job_id],
          injected: { SIGSTOP: pauses },
          whenStuck: () => [`not ended ${Date.now() - pausedAt} ms into a pause inside a transaction (lease ${LEASE_MS} ms)`],
        });
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      // Resumed, the paused worker finds its session ended (a lost connection) and carries on.
      await d.api('POST', `/${d.envId}/f/after/linkedSources`, { source: { tap: 'tap-numbers', config: { records: 3 } } });
      const next = await d.api<{ job_id: string }>('POST', `/${d.envId}/f/after/jobs`, {});
      await until('a job after the pause completed', 60_000, async () =>
        (await d.jobs()).some((j) => j.job_id === next.job_id && j.status === 'JOB_COMPLETED'),
      );
      assert.equal(first.child.exitCode, null, `the paused worker exited: ${first.stderr().slice(-3000)}`);
      assert.equal(first.child.signalCode, null);
      assert.doesNotMatch(first.stderr(), /unhandled|uncaught/i);
    } finally {
      await d.dispose();
    }
  });
});

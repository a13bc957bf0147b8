import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pino from 'pino';
import { JobCompletion } from '../../src/jobs/job-completion.js';
import { JobLifecycle } from '../../src/jobs/job-lifecycle.js';
import type { JobProcessMessage } from '../../src/jobs/job-process-messages.js';
import { failureStatusFor } from '../../src/jobs/job-transitions.js';
import { LeaseReaper } from '../../src/jobs/lease-reaper.js';
import { failureFor } from '../../src/jobs/process/run-job.js';
import { QueueSweeper } from '../../src/jobs/queue-sweeper.js';
import type { Job } from '../../src/model/job.js';
import { isTerminal, JOB_STATUSES, type JobStatus } from '../../src/model/job-phases.js';
import { InProcessQueue } from '../../src/queue/in-process-queue.js';
import { JOB_STATUS_WRITER } from '../../src/store/job-status-writer.js';
import type { Store } from '../../src/store/store.js';
import * as fx from '../store/store-fixtures.js';
import { forEachStoreAdapter, type OpenFresh, withFreshStore } from '../support/store-adapters.js';

const ENV = 'dev.sinew.local';
const logger = pino({ level: 'silent' });
const NON_TERMINAL = JOB_STATUSES.filter((s) => !isTerminal(s));

interface Parts {
  store: Store;
  lifecycle: JobLifecycle;
  completion: JobCompletion;
  reaper: LeaseReaper;
  queue: InProcessQueue;
  /** What a failure path threw, per job: a refused move shows here and the job stays unfinished. */
  thrown: string[];
}

const FINISHED: JobProcessMessage = {
  t: 'finished',
  newState: null,
  recordCount: { contacts: 1 },
  invalidLines: 0,
  records: { synced: { contacts: 1 }, after_etl: { contacts: 1 }, exported: {} },
  dataSizes: { sync_output: 1, etl_output: 1, snapshots: 0, total: 2 },
  memoryUsage: 1,
  message: null,
};

type FailurePath = {
  name: string;
  /** Fails every job given (each at a different status). */
  fail(p: Parts, jobs: Job[]): Promise<unknown>;
  /** Where a job at `status` must end; null: it never started, so it goes back to the queue instead. */
  expect(status: JobStatus): JobStatus | null;
};

const eachJob =
  (fail: (p: Parts, job: Job) => Promise<unknown>) =>
  async (p: Parts, jobs: Job[]): Promise<void> => {
    for (const job of jobs) await fail(p, job).catch((e: Error) => p.thrown.push(`${job.status}: ${e.message}`));
  };

/** Each way a running job can fail, through the code that handles it. */
const PATHS: FailurePath[] = [
  {
    name: 'its process reports the failure of the phase it is in',
    fail: eachJob((p, job) => p.completion.apply(job, { t: 'status', status: failureFor(job.status), error: 'the tap failed' })),
    expect: failureStatusFor,
  },
  {
    // The worker's path when the job process exits (killed, out of memory).
    name: 'its process dies',
    fail: eachJob((p, job) => p.lifecycle.end(ENV, job.job_id, { how: 'died', code: null, signal: 'SIGKILL' })),
    expect: failureStatusFor,
  },
  {
    // The worker's path when it stops the job process at job_timeout_seconds.
    name: 'its process times out',
    fail: eachJob((p, job) => p.lifecycle.end(ENV, job.job_id, { how: 'timedOut', limitSeconds: 60 })),
    expect: failureStatusFor,
  },
  {
    name: 'its files cannot be saved once it finished',
    fail: eachJob((p, job) =>
      p.completion.apply(job, FINISHED, async () => {
        throw new Error('ENOSPC: no space left on device');
      }),
    ),
    expect: failureStatusFor,
  },
  {
    name: 'it is cancelled',
    fail: eachJob((p, job) => p.lifecycle.transition(ENV, job.job_id, 'JOB_CANCELLED', { message: 'cancelled through the API' })),
    expect: () => 'JOB_CANCELLED',
  },
  {
    name: 'its worker is lost (lease expired, no worker_loss_retries)',
    fail: (p) => p.reaper.reap(Date.now()),
    expect: (s) => (s === 'JOB_CREATED' ? null : failureStatusFor(s)),
  },
];

function failurePaths(name: string, openFresh: OpenFresh, skip: string | false): void {
  describe(`every non-terminal status ends through every failure path: ${name}`, { skip }, () => {
    for (const path of PATHS) {
      test(`${path.name}: the job ends and its link runs the next job`, () =>
        withFreshStore(openFresh, async (store) => {
          await store.environments.put(fx.environment({ settings: { job_settings: { worker_loss_retries: 0 } } }));
          await store.flows.put(fx.flow());
          const lifecycle = new JobLifecycle(store);
          const queue = new InProcessQueue();
          const reaper = new LeaseReaper({ store, lifecycle, sweeper: new QueueSweeper(store, queue, logger), logger });
          const parts: Parts = { store, lifecycle, completion: new JobCompletion(store, lifecycle), reaper, queue, thrown: [] };
          // One link per status: the job that fails, and the next job of its link queued behind it.
          const running = new Map<JobStatus, Job>();
          for (const status of NON_TERMINAL) {
            const tenant = `t-${status}`;
            const job = fx.job({ job_id: `run-${status}`, tenant, state: {} });
            await store.jobs.insert(job);
            await store.jobs.insert(fx.job({ job_id: `next-${status}`, tenant, state: {} }));
            // Claimed by a worker whose lease has already expired, then moved to the status under test.
            assert.ok(await store.jobLeases.claim(ENV, job.job_id, 'lost-worker', 1000));
            const at = { ...job, status, status_timestamp: { ...job.status_timestamp, [status]: Date.now() } };
            await store[JOB_STATUS_WRITER].write(at);
            running.set(status, at);
          }
          await path.fail(parts, [...running.values()]);
          const problems: string[] = [...parts.thrown];
          for (const [status, job] of running) {
            const expected = path.expect(status);
            const now = (await store.jobs.get(ENV, job.job_id))?.status;
            if (expected === null) {
              // Never started: back in line, first of its link again.
              if (now !== 'JOB_CREATED') problems.push(`${status}: ${now}, not re-queued`);
              else if (!(await store.jobLeases.claim(ENV, job.job_id, 'next-worker', Date.now() + 60_000)))
                problems.push(`${status}: re-queued but not claimable`);
              continue;
            }
            if (now !== expected) {
              problems.push(`${status}: ${now}, expected ${expected}`);
              continue;
            }
            // Its link is free: the next job is claimable (one job per link at a time).
            if (!(await store.jobLeases.claim(ENV, `next-${status}`, 'next-worker', Date.now() + 60_000)))
              problems.push(`${status}: the next job of its link cannot run`);
          }
          assert.deepEqual(problems, []);
          // The reaper queues each link's next job itself (and the job that never started, again).
          if (path.name.startsWith('its worker')) assert.equal(await queue.depth(), NON_TERMINAL.length);
        }));
    }
  });
}

await forEachStoreAdapter(failurePaths);

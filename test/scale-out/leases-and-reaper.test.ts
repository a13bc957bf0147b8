import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pino from 'pino';
import { HeldLeases } from '../../src/jobs/held-leases.js';
import { JobLifecycle } from '../../src/jobs/job-lifecycle.js';
import { LeaseReaper } from '../../src/jobs/lease-reaper.js';
import { QueueSweeper } from '../../src/jobs/queue-sweeper.js';
import type { Job } from '../../src/model/job.js';
import { InProcessQueue } from '../../src/queue/in-process-queue.js';
import type { Store } from '../../src/store/store.js';
import * as fx from '../store/store-fixtures.js';
import { forEachStoreAdapter, type OpenFresh, withFreshStore } from '../support/store-adapters.js';

const ENV = 'dev.sinew.local';
const logger = pino({ level: 'silent' });

function leaseContract(name: string, openFresh: OpenFresh, skip: string | false = false): void {
  describe(`job leases, fencing and the reaper: ${name}`, { skip }, () => {
    const withStore = (body: (s: Store) => Promise<void>) =>
      withFreshStore(openFresh, async (store) => {
        await store.environments.put(fx.environment({ settings: {} }));
        await store.flows.put(fx.flow());
        await body(store);
      });
    const insert = async (s: Store, o: Partial<Job>): Promise<Job> => {
      const job = fx.job(o);
      await s.jobs.insert(job);
      return job;
    };
    const lifecycleEvents = async (s: Store, jobId: string) =>
      (await s.events.list(ENV, 1000))
        .filter((e) => e.kind === 'job_lifecycle' && (e.payload as { job_id: string }).job_id === jobId)
        .map((e) => e.payload as unknown as Job);

    test('only a re-queue moves a job back to JOB_CREATED: it starts over, with a message, unleased', () =>
      withStore(async (s) => {
        const lifecycle = new JobLifecycle(s);
        await insert(s, {
          job_id: 'j',
          status: 'SYNC_STARTED',
          status_timestamp: { JOB_CREATED: 1, SYNC_STARTED: 2 },
          error: 'x',
          metrics: { recordCount: { users: 5 } },
        });
        await s.jobLeases.clearLease(ENV, 'j', { countLoss: false });
        await assert.rejects(
          lifecycle.transition(ENV, 'j', 'JOB_CREATED'),
          (e: Error & { code?: string }) => e.code === 'INVALID_JOB_TRANSITION',
        );
        const back = await lifecycle.requeue(ENV, 'j', { message: 'handed back: test', countLoss: true });
        assert.equal(back.status, 'JOB_CREATED');
        assert.deepEqual(Object.keys(back.status_timestamp), ['JOB_CREATED']);
        assert.deepEqual([back.error, back.message, back.metrics.recordCount], [null, 'handed back: test', {}]);
        const row = await s.jobLeases.lockJob(ENV, 'j');
        assert.deepEqual([row?.lease_owner, row?.worker_losses], [null, 1]);
        const events = await lifecycleEvents(s, 'j');
        assert.deepEqual(
          events.map((e) => [e.status, e.message]),
          [['JOB_CREATED', 'handed back: test']],
        );
        // A terminal job cannot be re-queued.
        await lifecycle.transition(ENV, 'j', 'SYNC_STARTED');
        await lifecycle.transition(ENV, 'j', 'SYNC_FAILED', { error: 'boom' });
        await assert.rejects(
          lifecycle.requeue(ENV, 'j', { message: 'no', countLoss: false }),
          /cannot move from SYNC_FAILED to JOB_CREATED/,
        );
      }));

    test('the fence: a job this process runs changes only while its row still names this process', () =>
      withStore(async (s) => {
        const mine = new HeldLeases('worker-a');
        const lifecycle = new JobLifecycle(s, mine);
        await insert(s, { job_id: 'j' });
        const expiresAt = Date.now() + 60_000;
        assert.ok(await s.jobLeases.claim(ENV, 'j', 'worker-a', expiresAt));
        mine.hold('j', expiresAt);
        await lifecycle.transition(ENV, 'j', 'SYNC_STARTED');
        // Its lease expired and another worker took the job over.
        await s.jobLeases.clearLease(ENV, 'j', { countLoss: true });
        assert.ok((await s.jobLeases.claim(ENV, 'j', 'worker-b', Date.now() + 60_000)) === false, 'still SYNC_STARTED: not claimable');
        await assert.rejects(
          lifecycle.transition(ENV, 'j', 'SYNC_SUCCESS'),
          (e: Error & { code?: string }) => e.code === 'CONFLICT' && /no longer held by this worker/.test(e.message),
        );
        await assert.rejects(lifecycle.patch(ENV, 'j', { metrics: { recordCount: { users: 1 } } }), /no longer held/);
        assert.equal((await s.jobs.get(ENV, 'j'))?.status, 'SYNC_STARTED', 'nothing of the stale run was written');
        // Another process (the API cancelling) does not hold the job: no fence for it.
        const api = new JobLifecycle(s, new HeldLeases('api'));
        assert.equal((await api.transition(ENV, 'j', 'JOB_CANCELLED')).status, 'JOB_CANCELLED');
      }));

    test('the reaper fails a started job whose lease expired, re-queues it while worker_loss_retries allows, and leaves live leases alone', () =>
      withStore(async (s) => {
        const lifecycle = new JobLifecycle(s);
        const queue = new InProcessQueue();
        const reaper = new LeaseReaper({ store: s, lifecycle, sweeper: new QueueSweeper(s, queue, logger), logger });
        await s.environments.put(fx.environment({ settings: { job_settings: { worker_loss_retries: 1 } } }));
        await insert(s, { job_id: 'lost', tenant: 't1' });
        await insert(s, { job_id: 'alive', tenant: 't2' });
        await insert(s, { job_id: 'unstarted', tenant: 't3' });
        await s.jobLeases.claim(ENV, 'lost', 'dead-worker', 1000);
        await s.jobLeases.claim(ENV, 'alive', 'live-worker', Date.now() + 60_000);
        await s.jobLeases.claim(ENV, 'unstarted', 'dead-worker', 1000);
        await lifecycle.transition(ENV, 'lost', 'SYNC_STARTED');
        await lifecycle.transition(ENV, 'alive', 'SYNC_STARTED');

        assert.equal(await reaper.reap(Date.now()), 2);
        const requeued = (await s.jobs.get(ENV, 'lost'))!;
        assert.equal(requeued.status, 'JOB_CREATED');
        assert.match(
          requeued.message ?? '',
          /^re-queued: the worker running this job stopped before it finished \(its lease, held by dead-worker, was not renewed\) \(worker loss 1 of 1/,
        );
        assert.equal((await s.jobs.get(ENV, 'unstarted'))?.status, 'JOB_CREATED');
        assert.equal((await lifecycleEvents(s, 'unstarted')).length, 0, 'a claim that never started leaves no event');
        assert.equal((await s.jobs.get(ENV, 'alive'))?.status, 'SYNC_STARTED');
        assert.equal(await queue.depth(), 2, 'both went back to the queue');
        assert.equal(await reaper.reap(Date.now()), 0, 'a second reaper pass finds nothing');

        // The re-run is lost too: no retries left, it fails with the phase's failure status.
        assert.ok(await s.jobLeases.claim(ENV, 'lost', 'dead-again', 1000));
        await lifecycle.transition(ENV, 'lost', 'SYNC_STARTED');
        await lifecycle.transition(ENV, 'lost', 'SYNC_SUCCESS');
        await lifecycle.transition(ENV, 'lost', 'ETL_STARTED');
        assert.equal(await reaper.reap(Date.now()), 1);
        const failed = (await s.jobs.get(ENV, 'lost'))!;
        assert.equal(failed.status, 'ETL_FAILED');
        assert.match(failed.error ?? '', /held by dead-again, was not renewed/);
        const row = await s.jobLeases.lockJob(ENV, 'lost');
        assert.deepEqual([row?.lease_owner, row?.worker_losses], [null, 2]);
      }));

    test('concurrent reapers handle an expired job once', () =>
      withStore(async (s) => {
        // With a retry left, a second handling would re-queue (and count) it twice.
        await s.environments.put(fx.environment({ settings: { job_settings: { worker_loss_retries: 3 } } }));
        const lifecycle = new JobLifecycle(s);
        const queue = new InProcessQueue();
        const reapers = Array.from(
          { length: 4 },
          () => new LeaseReaper({ store: s, lifecycle, sweeper: new QueueSweeper(s, queue, logger), logger }),
        );
        await insert(s, { job_id: 'lost' });
        await s.jobLeases.claim(ENV, 'lost', 'dead-worker', 1000);
        await lifecycle.transition(ENV, 'lost', 'SYNC_STARTED');
        const handled = await Promise.all(reapers.map((r) => r.reap(Date.now())));
        assert.equal(
          handled.reduce((a, b) => a + b, 0),
          1,
        );
        assert.equal(
          (await lifecycleEvents(s, 'lost')).filter((e) => e.status === 'JOB_CREATED' && e.message?.startsWith('re-queued')).length,
          1,
        );
        assert.equal((await s.jobLeases.lockJob(ENV, 'lost'))?.worker_losses, 1);
      }));

    test('the sweeper queues runnable jobs nobody holds, once even when swept twice', () =>
      withStore(async (s) => {
        const queue = new InProcessQueue();
        const sweeper = new QueueSweeper(s, queue, logger);
        await insert(s, { job_id: 'orphan' });
        await insert(s, { job_id: 'behind' });
        await insert(s, { job_id: 'held', tenant: 't2' });
        await s.jobLeases.claim(ENV, 'held', 'someone', Date.now() + 60_000);
        assert.equal(await sweeper.sweep(Date.now() + 1), 1);
        assert.equal(await sweeper.sweep(Date.now() + 1), 1);
        assert.equal(await queue.depth(), 1);
      }));
  });
}

await forEachStoreAdapter(leaseContract);

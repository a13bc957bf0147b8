import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Job } from '../../src/model/job.js';
import { JOB_STATUS_WRITER } from '../../src/store/job-status-writer.js';
import type { Store } from '../../src/store/store.js';
import { forEachStoreAdapter, type OpenFresh, withFreshStore } from '../support/store-adapters.js';
import * as fx from './store-fixtures.js';

const ENV = 'dev.sinew.local';

function jobLeaseOpsContract(name: string, openFresh: OpenFresh, skip: string | false = false): void {
  describe(`job lease ops: ${name}`, { skip }, () => {
    const withStore = (body: (s: Store) => Promise<void>) => withFreshStore(openFresh, body);
    const insert = async (s: Store, o: Partial<Job>): Promise<Job> => {
      const job = fx.job(o);
      await s.jobs.insert(job);
      return job;
    };
    const later = () => Date.now() + 60_000;

    test('claim is a compare-and-set: of concurrent claims exactly one wins, and only on a queued, unleased job', () =>
      withStore(async (s) => {
        await insert(s, { job_id: 'a' });
        const wins = await Promise.all(['w1', 'w2', 'w3', 'w4'].map((w) => s.jobLeases.claim(ENV, 'a', w, later())));
        assert.equal(wins.filter(Boolean).length, 1, wins.join());
        const held = await s.jobLeases.lockJob(ENV, 'a');
        assert.equal(held?.lease_owner, `w${wins.indexOf(true) + 1}`);
        assert.equal(await s.jobLeases.claim(ENV, 'a', 'w9', later()), false, 'a leased job cannot be claimed again');

        await insert(s, { job_id: 'running', tenant: 'other', status: 'SYNC_STARTED' });
        assert.equal(await s.jobLeases.claim(ENV, 'running', 'w1', later()), false, 'only JOB_CREATED jobs are claimed');
        assert.equal(await s.jobLeases.claim(ENV, 'missing', 'w1', later()), false);
      }));

    test('claim takes only the oldest unfinished job of a link; the next one becomes claimable when it ends', () =>
      withStore(async (s) => {
        const first = await insert(s, { job_id: 'first' });
        await insert(s, { job_id: 'second' });
        await insert(s, { job_id: 'elsewhere', tenant: 'another-tenant' });
        assert.equal(await s.jobLeases.claim(ENV, 'second', 'w1', later()), false, 'behind an unfinished job of its link');
        assert.equal(await s.jobLeases.claim(ENV, 'elsewhere', 'w1', later()), true, 'other links are independent');
        assert.deepEqual(
          (await s.jobs.listByStatus(['JOB_CREATED'], 10)).map((j) => j.job_id),
          ['first', 'second', 'elsewhere'],
        );
        await s[JOB_STATUS_WRITER].write({ ...first, status: 'JOB_COMPLETED' });
        assert.equal(await s.jobLeases.claim(ENV, 'second', 'w1', later()), true);
      }));

    test("renew extends only the owner's leases and reports their status; release needs the owner", () =>
      withStore(async (s) => {
        await insert(s, { job_id: 'a' });
        await insert(s, { job_id: 'b', tenant: 't2' });
        await insert(s, { job_id: 'c', tenant: 't3' });
        assert.ok(await s.jobLeases.claim(ENV, 'a', 'me', 1000));
        assert.ok(await s.jobLeases.claim(ENV, 'b', 'me', 1000));
        assert.ok(await s.jobLeases.claim(ENV, 'c', 'someone-else', 1000));
        const a = (await s.jobs.get(ENV, 'a'))!;
        await s[JOB_STATUS_WRITER].write({ ...a, status: 'JOB_CANCELLED' });
        const kept = await s.jobLeases.renew('me', ['a', 'b', 'c'], 5000);
        assert.deepEqual(
          kept.sort((x, y) => x.job_id.localeCompare(y.job_id)),
          [
            { job_id: 'a', status: 'JOB_CANCELLED' },
            { job_id: 'b', status: 'JOB_CREATED' },
          ],
        );
        assert.equal((await s.jobLeases.lockJob(ENV, 'b'))?.lease_expires_at, 5000);
        assert.equal((await s.jobLeases.lockJob(ENV, 'c'))?.lease_expires_at, 1000, "another owner's lease is untouched");
        assert.deepEqual(await s.jobLeases.renew('me', [], 9000), []);

        assert.equal(await s.jobLeases.release(ENV, 'c', 'me'), false);
        assert.equal(await s.jobLeases.release(ENV, 'b', 'me'), true);
        const b = await s.jobLeases.lockJob(ENV, 'b');
        assert.equal(b?.lease_owner, null);
        assert.equal(b?.lease_expires_at, null);
        assert.deepEqual(await s.jobLeases.renew('me', ['b'], 9000), [], 'a released lease is not renewed');
      }));

    test('listExpired lists unfinished jobs past their lease; clearLease frees them and counts the lost worker', () =>
      withStore(async (s) => {
        for (const [id, tenant] of [
          ['late', 't1'],
          ['later', 't2'],
          ['fresh', 't3'],
          ['ended', 't4'],
        ] as const)
          await insert(s, { job_id: id, tenant });
        await s.jobLeases.claim(ENV, 'late', 'w', 1000);
        await s.jobLeases.claim(ENV, 'later', 'w', 2000);
        await s.jobLeases.claim(ENV, 'fresh', 'w', 9000);
        await s.jobLeases.claim(ENV, 'ended', 'w', 500);
        const ended = (await s.jobs.get(ENV, 'ended'))!;
        await s[JOB_STATUS_WRITER].write({ ...ended, status: 'SYNC_FAILED' });
        assert.deepEqual(await s.jobLeases.listExpired(3000, 10), [
          { env_id: ENV, job_id: 'late' },
          { env_id: ENV, job_id: 'later' },
        ]);
        assert.deepEqual(await s.jobLeases.listExpired(3000, 1), [{ env_id: ENV, job_id: 'late' }]);

        await s.jobLeases.clearLease(ENV, 'late', { countLoss: true });
        await s.jobLeases.clearLease(ENV, 'later', { countLoss: false });
        const late = await s.jobLeases.lockJob(ENV, 'late');
        assert.deepEqual([late?.lease_owner, late?.lease_expires_at, late?.worker_losses], [null, null, 1]);
        assert.equal((await s.jobLeases.lockJob(ENV, 'later'))?.worker_losses, 0);
        assert.deepEqual(await s.jobLeases.listExpired(3000, 10), []);
        assert.equal((await s.jobLeases.lockJob(ENV, 'late'))?.job.job_id, 'late', 'lockJob returns the job itself');
      }));

    test('listRunnable: queued, unleased jobs at the head of their link, oldest first', () =>
      withStore(async (s) => {
        await insert(s, { job_id: 'head' });
        await insert(s, { job_id: 'behind' });
        await insert(s, { job_id: 'claimed', tenant: 't2' });
        await insert(s, { job_id: 'running', tenant: 't3', status: 'SYNC_STARTED' });
        await insert(s, { job_id: 'after-running', tenant: 't3' });
        await insert(s, { job_id: 'alone', tenant: 't4' });
        await s.jobLeases.claim(ENV, 'claimed', 'w', later());
        const cutoff = Date.now() + 1000;
        assert.deepEqual(
          (await s.jobLeases.listRunnable(cutoff, 10)).map((r) => r.job_id),
          ['head', 'alone'],
        );
        assert.deepEqual(
          (await s.jobLeases.listRunnable(cutoff, 1)).map((r) => r.job_id),
          ['head'],
        );
        assert.deepEqual(await s.jobLeases.listRunnable(0, 10), [], 'nothing was created before the cutoff');
      }));

    test("lockJob holds the row until the transaction ends: a second locker sees the first one's change", () =>
      withStore(async (s) => {
        const job = await insert(s, { job_id: 'locked' });
        let firstHasLock!: () => void;
        const locked = new Promise<void>((resolve) => (firstHasLock = resolve));
        const first = s.transaction(async (tx) => {
          await tx.jobLeases.lockJob(ENV, 'locked');
          firstHasLock();
          await new Promise((r) => setTimeout(r, 150)); // holds the lock a while: the second locker must wait for it
          await tx[JOB_STATUS_WRITER].write({ ...job, status: 'SYNC_STARTED' });
        });
        await locked;
        const seen = await s.transaction(async (tx) => (await tx.jobLeases.lockJob(ENV, 'locked'))?.job.status);
        await first;
        assert.equal(seen, 'SYNC_STARTED');
      }));
  });
}

await forEachStoreAdapter(jobLeaseOpsContract);

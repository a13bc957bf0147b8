import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Store } from '../../src/store/store.js';
import { forEachStoreAdapter, type OpenFresh, withFreshStore } from '../support/store-adapters.js';
import { event, job } from './store-fixtures.js';

const A = 'a.sinew.local';
const B = 'b.sinew.local';

/** A clock reading later than `ms`: job rows are stamped with Date.now() in milliseconds. */
async function laterThan(ms: number): Promise<number> {
  while (Date.now() <= ms) await new Promise((r) => setImmediate(r));
  return Date.now();
}

function retentionContract(name: string, openFresh: OpenFresh, skip: string | false): void {
  describe(`retention ops: ${name}`, { skip }, () => {
    const withStore = (body: (s: Store) => Promise<void>) => withFreshStore(openFresh, body);

    test('expired jobs: terminal, created before the cut-off, of that environment, oldest first, a batch at a time', () =>
      withStore(async (s) => {
        const add = (job_id: string, env_id: string, status: 'JOB_COMPLETED' | 'SYNC_FAILED' | 'SYNC_STARTED') =>
          s.jobs.insert(job({ job_id, env_id, status, link_connector: job_id }));
        await add('old1', A, 'JOB_COMPLETED');
        await add('old2', A, 'SYNC_FAILED');
        await add('running', A, 'SYNC_STARTED');
        await add('otherEnv', B, 'JOB_COMPLETED');
        const cutoff = await laterThan(Date.now());
        await laterThan(cutoff);
        await add('new', A, 'JOB_COMPLETED');
        const expired = await s.retention.listExpiredJobs(A, cutoff, 10);
        assert.deepEqual(
          expired.map((j) => j.job_id),
          ['old1', 'old2'],
        );
        assert.match(expired[0]!.s3_root, /\/old1$/);
        assert.equal((await s.retention.listExpiredJobs(A, cutoff, 1)).length, 1);
        // The delete checks the status again: a job listed by mistake while running stays.
        assert.equal(await s.retention.deleteJobs(A, ['old1', 'old2', 'running', 'otherEnv']), 2);
        assert.equal(await s.jobs.get(A, 'old1'), undefined);
        assert.ok(await s.jobs.get(A, 'running'));
        assert.ok(await s.jobs.get(B, 'otherEnv'));
        assert.ok(await s.jobs.get(A, 'new'));
        assert.equal(await s.retention.deleteJobs(A, []), 0);
      }));

    test('events: settled ones before the cut-off go with their deliveries; pending and newer ones stay', () =>
      withStore(async (s) => {
        const old = '2024-05-01T10:00:00.000Z';
        for (const [event_id, env_id, created_at] of [
          ['e1', A, old],
          ['e2', A, old],
          ['e3', A, old],
          ['e4', A, '2024-07-01T00:00:00.000Z'],
          ['e5', B, old],
        ] as const)
          await s.events.insert(event({ event_id, env_id, created_at, ordering_key: event_id }));
        const settle = async (event_id: string, env_id: string, status: 'delivered' | 'failed' | 'no_destination') => {
          await s.deliveries.insertDeliveries([
            { event_id, event_seq: 1, env_id, destination: 'webhook', ordering_key: event_id, next_attempt_at: 0 },
          ]);
          await s.deliveries.setEventStatus(event_id, status);
        };
        await settle('e1', A, 'delivered');
        await settle('e2', A, 'failed');
        await settle('e4', A, 'delivered');
        await settle('e5', B, 'delivered');
        // e3 is still pending: never fanned out.
        const cutoff = '2024-06-01T00:00:00.000Z';
        assert.deepEqual(await s.transaction((tx) => tx.retention.pruneEvents(A, cutoff, 1)), { events: 1, deliveries: 1, attempts: 0 });
        assert.deepEqual(await s.transaction((tx) => tx.retention.pruneEvents(A, cutoff, 10)), { events: 1, deliveries: 1, attempts: 0 });
        assert.deepEqual(await s.transaction((tx) => tx.retention.pruneEvents(A, cutoff, 10)), { events: 0, deliveries: 0, attempts: 0 });
        assert.deepEqual(
          (await s.events.list(A, 10)).map((e) => e.event_id),
          ['e3', 'e4'],
        );
        assert.equal((await s.events.list(B, 10)).length, 1);
      }));
  });
}

await forEachStoreAdapter(retentionContract);

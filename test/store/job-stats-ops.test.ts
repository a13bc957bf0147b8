import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { JOB_STATUS_WRITER } from '../../src/store/job-status-writer.js';
import type { Store } from '../../src/store/store.js';
import { at } from '../support/elements.js';
import { forEachStoreAdapter, type OpenFresh, withFreshStore } from '../support/store-adapters.js';
import { job } from './store-fixtures.js';

const A = 'a.sinew.local';
const B = 'b.sinew.local';

function jobStatsContract(name: string, openFresh: OpenFresh, skip: string | false): void {
  describe(`job stats ops: ${name}`, { skip }, () => {
    const withStore = (body: (s: Store) => Promise<void>) => withFreshStore(openFresh, body);

    test('no jobs, no counts', () => withStore(async (s) => assert.deepEqual(await s.jobStats.countByStatus(), [])));

    test('counts per environment and status, as numbers, following status changes', () =>
      withStore(async (s) => {
        let n = 0;
        const add = async (env_id: string, status: 'JOB_CREATED' | 'SYNC_STARTED' | 'JOB_COMPLETED', count: number) => {
          for (let i = 0; i < count; i++) {
            const job_id = `j${++n}`;
            await s.jobs.insert(job({ job_id, env_id, status, link_connector: `c${n}` }));
          }
        };
        await add(A, 'JOB_COMPLETED', 3);
        await add(A, 'SYNC_STARTED', 1);
        await add(B, 'JOB_COMPLETED', 2);
        await add(B, 'JOB_CREATED', 1);
        assert.deepEqual(await s.jobStats.countByStatus(), [
          { env_id: A, status: 'JOB_COMPLETED', count: 3 },
          { env_id: A, status: 'SYNC_STARTED', count: 1 },
          { env_id: B, status: 'JOB_COMPLETED', count: 2 },
          { env_id: B, status: 'JOB_CREATED', count: 1 },
        ]);

        // The count reads the status column, which every job update keeps in step.
        const running = at(await s.jobs.listByStatus(['SYNC_STARTED'], 10), 0);
        await s[JOB_STATUS_WRITER].write({ ...running, status: 'JOB_COMPLETED' });
        const inTx = await s.transaction((tx) => tx.jobStats.countByStatus());
        assert.deepEqual(
          inTx.filter((c) => c.env_id === A),
          [{ env_id: A, status: 'JOB_COMPLETED', count: 4 }],
        );
      }));
  });
}

await forEachStoreAdapter(jobStatsContract);

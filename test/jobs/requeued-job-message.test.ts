import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { JobLifecycle } from '../../src/jobs/job-lifecycle.js';
import type { Job } from '../../src/model/job.js';
import * as fx from '../store/store-fixtures.js';
import { forEachStoreAdapter, withFreshStore } from '../support/store-adapters.js';

const ENV = 'dev.sinew.local';

await forEachStoreAdapter((name, openFresh, skip) => {
  describe(`a re-queued job's message: ${name}`, { skip }, () => {
    test('a hand-back message stays while the job waits and is cleared by the first status of its next run, unless that change sets its own', () =>
      withFreshStore(openFresh, async (s) => {
        await s.environments.put(fx.environment({ settings: {} }));
        await s.flows.put(fx.flow());
        const lifecycle = new JobLifecycle(s);
        const events = async (jobId: string) =>
          (await s.events.list(ENV, 1000))
            .filter((e) => e.kind === 'job_lifecycle' && (e.payload as { job_id: string }).job_id === jobId)
            .map((e) => e.payload as unknown as Job);
        for (const [jobId, tenant] of [
          ['plain', 't1'],
          ['own', 't2'],
        ] as const) {
          await s.jobs.insert(
            fx.job({ job_id: jobId, tenant, status: 'SYNC_STARTED', status_timestamp: { JOB_CREATED: 1, SYNC_STARTED: 2 } }),
          );
          await lifecycle.requeue(ENV, jobId, { message: 'handed back: test', countLoss: false });
          assert.equal((await s.jobs.get(ENV, jobId))?.message, 'handed back: test', 'the waiting job says why it waits');
        }
        await lifecycle.transition(ENV, 'plain', 'SYNC_STARTED');
        await lifecycle.transition(ENV, 'plain', 'SYNC_SUCCESS', { message: 'a message of this run' });
        await lifecycle.transition(ENV, 'plain', 'ETL_STARTED');
        assert.deepEqual(
          (await events('plain')).map((e) => [e.status, e.message]),
          [
            ['JOB_CREATED', 'handed back: test'],
            ['SYNC_STARTED', null],
            ['SYNC_SUCCESS', 'a message of this run'],
            ['ETL_STARTED', 'a message of this run'],
          ],
        );
        await lifecycle.transition(ENV, 'own', 'JOB_CANCELLED', { message: 'cancelled through the API' });
        assert.equal((await s.jobs.get(ENV, 'own'))?.message, 'cancelled through the API');
      }));
  });
});

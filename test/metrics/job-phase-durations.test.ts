import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endedPhases } from '../../src/metrics/job-phase-durations.js';
import type { Job, JobStatus } from '../../src/model/job.js';
import { job } from '../store/store-fixtures.js';

const T0 = 1_700_000_000_000;

/** The job right after its last status change: `steps` are [status, ms after creation], in order. */
function after(steps: [JobStatus, number][]): Job {
  const status_timestamp: Partial<Record<JobStatus, number>> = { JOB_CREATED: T0 };
  for (const [s, ms] of steps) status_timestamp[s] = T0 + ms;
  return job({ status: steps.at(-1)?.[0] ?? 'JOB_CREATED', status_timestamp });
}

/** What each status change of a run ends, change by change. */
function run(steps: [JobStatus, number][]): string[][] {
  return steps.map((_, i) => endedPhases(after(steps.slice(0, i + 1))).map((p) => `${p.phase}:${p.outcome}:${p.seconds}`));
}

test('a phased job: each phase ends once, with its duration; queued and the whole job too', () => {
  assert.deepEqual(endedPhases(after([])), [], 'a new job ended nothing');
  assert.deepEqual(
    run([
      ['DISCOVER_STARTED', 1000],
      ['DISCOVER_SUCCESS', 1500],
      ['SYNC_STARTED', 1600],
      ['SYNC_SUCCESS', 4600],
      ['ETL_STARTED', 4700],
      ['ETL_SUCCESS', 5200],
      ['EXPORT_STARTED', 5300],
      ['JOB_COMPLETED', 7300],
    ]),
    [
      ['queued:success:1'],
      ['discover:success:0.5'],
      [],
      ['sync:success:3'],
      [],
      ['etl:success:0.5'],
      [],
      ['export:success:2', 'job:success:7.3'],
    ],
  );
});

test('a streaming job: sync and export run together and both end with the job', () => {
  assert.deepEqual(
    run([
      ['SYNC_STARTED', 200],
      ['EXPORT_STARTED', 300],
      ['JOB_COMPLETED', 2300],
    ]),
    [['queued:success:0.2'], [], ['sync:success:2.1', 'export:success:2', 'job:success:2.3']],
  );
  assert.deepEqual(
    run([
      ['SYNC_STARTED', 0],
      ['EXPORT_STARTED', 100],
      ['SYNC_FAILED', 600],
    ]).at(-1),
    ['sync:failed:0.6', 'export:failed:0.5', 'job:failed:0.6'],
  );
});

test('failures and cancellations end the open phase with the outcome; phases that never started are not observed', () => {
  assert.deepEqual(
    run([
      ['SYNC_STARTED', 100],
      ['SYNC_SUCCESS', 900],
      ['ETL_STARTED', 1000],
      ['ETL_FAILED', 1250],
    ]).at(-1),
    ['etl:failed:0.25', 'job:failed:1.25'],
  );
  assert.deepEqual(
    run([
      ['SYNC_STARTED', 100],
      ['SYNC_SUCCESS', 900],
      ['ETL_STARTED', 1000],
      ['JOB_CANCELLED', 3000],
    ]).at(-1),
    ['etl:cancelled:2', 'job:cancelled:3'],
  );
  assert.deepEqual(run([['JOB_CANCELLED', 4000]]), [['queued:cancelled:4', 'job:cancelled:4']], 'cancelled while queued');
  assert.deepEqual(run([['SYNC_FAILED', 50]]), [['queued:failed:0.05', 'job:failed:0.05']], 'failed before it started (its worker died)');
  assert.deepEqual(
    run([
      ['DISCOVER_STARTED', 10],
      ['DISCOVER_FAILED', 510],
    ]).at(-1),
    ['discover:failed:0.5', 'job:failed:0.51'],
  );
  assert.deepEqual(
    run([
      ['SYNC_STARTED', 0],
      ['SYNC_SUCCESS', 100],
      ['ETL_STARTED', 100],
      ['ETL_SUCCESS', 200],
      ['EXPORT_STARTED', 200],
      ['EXPORT_FAILED', 700],
    ]).at(-1),
    ['export:failed:0.5', 'job:failed:0.7'],
  );
  assert.deepEqual(
    run([
      ['SYNC_STARTED', 0],
      ['SYNC_SUCCESS', 100],
      ['JOB_COMPLETED', 150],
    ]).at(-1),
    ['job:success:0.15'],
    'no ETL, no export: only the job',
  );
  assert.deepEqual(
    run([
      ['SYNC_STARTED', 0],
      ['SYNC_SUCCESS', 100],
      ['ETL_FAILED', 300],
    ]).at(-1),
    ['job:failed:0.3'],
    'failed between phases: the ETL it failed never started',
  );
});

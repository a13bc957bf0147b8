import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type FinalStatus, finalStatus, phaseFailedAs, type RunEnding } from '../../src/jobs/final-status.js';
import { canTransition } from '../../src/jobs/job-transitions.js';
import { isTerminal, JOB_STATUSES, type JobStatus } from '../../src/model/job-phases.js';

const DIED: RunEnding = { how: 'died', code: null, signal: 'SIGKILL' };
const DIED_ERROR = 'the job process exited with signal SIGKILL before the job finished (out of memory or killed?)';
const TIMED_OUT: RunEnding = { how: 'timedOut', limitSeconds: 60 };
const TIMED_OUT_ERROR = 'the job ran longer than its limit of 60 s (job_timeout_seconds) and was stopped';
const lost = (losses: number, retries: number): RunEnding => ({ how: 'leaseLost', why: 'the worker stopped', losses, retries });
const REQUEUED_LOSS = {
  requeue: {
    message: 're-queued: the worker stopped (worker loss 1 of 2 allowed by worker_loss_retries); the job runs again from the start',
    countLoss: true,
  },
};

/** [what happened, the job's status now, the decision]: every kind of ending, at the statuses where it differs. */
const TABLE: [RunEnding, JobStatus, FinalStatus][] = [
  // The process finished.
  [{ how: 'finished' }, 'EXPORT_STARTED', { to: 'JOB_COMPLETED' }],
  [{ how: 'finished' }, 'ETL_SUCCESS', { to: 'JOB_COMPLETED' }],
  [{ how: 'finished' }, 'SYNC_STARTED', { to: 'JOB_COMPLETED' }],
  // The process failed in a phase it names…
  [{ how: 'failed', phase: 'sync', error: 'the tap failed' }, 'SYNC_STARTED', { to: 'SYNC_FAILED', error: 'the tap failed' }],
  [{ how: 'failed', phase: 'sync', error: 'the tap died' }, 'EXPORT_STARTED', { to: 'SYNC_FAILED', error: 'the tap died' }],
  [{ how: 'failed', phase: 'discover', error: 'x' }, 'DISCOVER_STARTED', { to: 'DISCOVER_FAILED', error: 'x' }],
  [{ how: 'failed', phase: 'etl', error: 'x' }, 'ETL_STARTED', { to: 'ETL_FAILED', error: 'x' }],
  [{ how: 'failed', phase: 'export', error: 'x' }, 'EXPORT_STARTED', { to: 'EXPORT_FAILED', error: 'x' }],
  // …or without naming one: the phase the job is in, or between two the one it would run next.
  [{ how: 'failed', phase: null, error: 'x' }, 'JOB_CREATED', { to: 'SYNC_FAILED', error: 'x' }],
  [{ how: 'failed', phase: null, error: 'x' }, 'DISCOVER_SUCCESS', { to: 'SYNC_FAILED', error: 'x' }],
  [{ how: 'failed', phase: null, error: 'x' }, 'SYNC_SUCCESS', { to: 'ETL_FAILED', error: 'x' }],
  [{ how: 'failed', phase: null, error: 'x' }, 'ETL_SUCCESS', { to: 'EXPORT_FAILED', error: 'x' }],
  // Its files could not be saved once it finished.
  [
    { how: 'notSaved', error: 'ENOSPC' },
    'ETL_SUCCESS',
    { to: 'EXPORT_FAILED', error: "the job's files could not be saved to storage: ENOSPC" },
  ],
  [
    { how: 'notSaved', error: 'ENOSPC' },
    'EXPORT_STARTED',
    { to: 'EXPORT_FAILED', error: "the job's files could not be saved to storage: ENOSPC" },
  ],
  // Its process died or was stopped at its time limit.
  [DIED, 'SYNC_STARTED', { to: 'SYNC_FAILED', error: DIED_ERROR }],
  [
    { how: 'died', code: 1, signal: null },
    'ETL_STARTED',
    { to: 'ETL_FAILED', error: 'the job process exited with code 1 before the job finished (out of memory or killed?)' },
  ],
  [TIMED_OUT, 'EXPORT_STARTED', { to: 'EXPORT_FAILED', error: TIMED_OUT_ERROR }],
  [TIMED_OUT, 'SYNC_SUCCESS', { to: 'ETL_FAILED', error: TIMED_OUT_ERROR }],
  // The worker failed around it.
  [{ how: 'crashed', error: 'planning failed' }, 'JOB_CREATED', { to: 'SYNC_FAILED', error: 'planning failed' }],
  // Cancelled.
  [{ how: 'cancelled' }, 'SYNC_STARTED', { to: 'JOB_CANCELLED' }],
  [{ how: 'cancelled' }, 'JOB_CREATED', { to: 'JOB_CANCELLED' }],
  // Its lease was lost: a job that never started goes back in line; a started one while retries are left…
  [lost(0, 0), 'JOB_CREATED', { requeue: { message: '', countLoss: false } }],
  [lost(0, 2), 'SYNC_STARTED', REQUEUED_LOSS],
  // …then it fails where it was.
  [lost(2, 2), 'SYNC_STARTED', { to: 'SYNC_FAILED', error: 'the worker stopped' }],
  [lost(0, 0), 'ETL_SUCCESS', { to: 'EXPORT_FAILED', error: 'the worker stopped' }],
  // Handed back by a stopping worker.
  [
    { how: 'handedBack', why: 'was stopping' },
    'ETL_STARTED',
    { requeue: { message: 'handed back: the worker running this job was stopping; it runs again from the start', countLoss: false } },
  ],
  [
    { how: 'handedBack', why: 'was stopping' },
    'JOB_CREATED',
    { requeue: { message: 'handed back: the worker running this job was stopping; it runs again from the start', countLoss: false } },
  ],
  // A job that has ended stays as it is, whatever is reported late.
  [{ how: 'finished' }, 'JOB_CANCELLED', null],
  [{ how: 'failed', phase: 'sync', error: 'x' }, 'JOB_CANCELLED', null],
  [DIED, 'SYNC_FAILED', null],
  [TIMED_OUT, 'JOB_COMPLETED', null],
  [{ how: 'cancelled' }, 'JOB_COMPLETED', null],
  [lost(0, 0), 'EXPORT_FAILED', null],
  [{ how: 'handedBack', why: 'was stopping' }, 'JOB_CANCELLED', null],
];

test('finalStatus decides every ending as the table says', () => {
  for (const [ending, current, expected] of TABLE) {
    assert.deepEqual(finalStatus(ending, current), expected, `${ending.how} at ${current}`);
  }
});

const EVERY_ENDING: RunEnding[] = [
  { how: 'finished' },
  { how: 'failed', phase: null, error: 'x' },
  { how: 'notSaved', error: 'x' },
  DIED,
  TIMED_OUT,
  { how: 'crashed', error: 'x' },
  { how: 'cancelled' },
  lost(0, 0),
  lost(0, 1),
  { how: 'handedBack', why: 'x' },
];

test('every decision for a running job is a move the transition table allows; an ended job is left alone', () => {
  for (const current of JOB_STATUSES) {
    for (const ending of EVERY_ENDING) {
      const decided = finalStatus(ending, current);
      if (isTerminal(current)) {
        assert.equal(decided, null, `${ending.how} at ${current}`);
        continue;
      }
      assert.ok(decided, `${ending.how} at ${current}`);
      // A re-queue is JobLifecycle.requeueIn's move (to JOB_CREATED, or nothing for a job still there).
      if ('requeue' in decided) continue;
      // A finished job completes from where it is; the moves decide whether that is allowed there.
      if (ending.how === 'finished') continue;
      assert.ok(canTransition(current, decided.to), `${ending.how} at ${current} → ${decided.to}`);
    }
  }
});

test("a phase's failure status names that phase; other statuses name none", () => {
  assert.deepEqual(
    (['DISCOVER_FAILED', 'SYNC_FAILED', 'ETL_FAILED', 'EXPORT_FAILED', 'SYNC_STARTED', 'JOB_CANCELLED', 'JOB_COMPLETED'] as const).map(
      phaseFailedAs,
    ),
    ['discover', 'sync', 'etl', 'export', null, null, null],
  );
});

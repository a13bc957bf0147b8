import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canTransition, JOB_TRANSITIONS } from '../../src/jobs/job-transitions.js';
import { failureFor } from '../../src/jobs/process/run-job.js';
import { RUNNING_PHASES } from '../../src/metrics/job-phase-durations.js';
import {
  FAILURE_STATUSES,
  failureStatusFor,
  isFailureStatus,
  isTerminal,
  JOB_STATUSES,
  type JobStatus,
  TERMINAL_STATUSES,
} from '../../src/model/job-phases.js';

// What the code listed by hand before the table of phases (issue #11), to check what is derived from it.
const STATUSES_BEFORE = [
  'JOB_CREATED',
  'DISCOVER_STARTED',
  'DISCOVER_SUCCESS',
  'DISCOVER_FAILED',
  'SYNC_STARTED',
  'SYNC_SUCCESS',
  'SYNC_FAILED',
  'ETL_STARTED',
  'ETL_SUCCESS',
  'ETL_FAILED',
  'EXPORT_STARTED',
  'EXPORT_FAILED',
  'JOB_COMPLETED',
  'JOB_CANCELLED',
];
const TERMINAL_BEFORE = ['DISCOVER_FAILED', 'SYNC_FAILED', 'ETL_FAILED', 'EXPORT_FAILED', 'JOB_COMPLETED', 'JOB_CANCELLED'];
const TRANSITIONS_BEFORE: Record<JobStatus, string[]> = {
  JOB_CREATED: ['DISCOVER_STARTED', 'SYNC_STARTED', 'SYNC_FAILED', 'JOB_CANCELLED'],
  DISCOVER_STARTED: ['DISCOVER_SUCCESS', 'DISCOVER_FAILED', 'JOB_CANCELLED', 'JOB_CREATED'],
  DISCOVER_SUCCESS: ['SYNC_STARTED', 'SYNC_FAILED', 'JOB_CANCELLED', 'JOB_CREATED'],
  SYNC_STARTED: ['SYNC_SUCCESS', 'SYNC_FAILED', 'EXPORT_STARTED', 'JOB_CANCELLED', 'JOB_CREATED'],
  SYNC_SUCCESS: ['ETL_STARTED', 'EXPORT_STARTED', 'JOB_COMPLETED', 'JOB_CANCELLED', 'JOB_CREATED'],
  ETL_STARTED: ['ETL_SUCCESS', 'ETL_FAILED', 'JOB_CANCELLED', 'JOB_CREATED'],
  ETL_SUCCESS: ['EXPORT_STARTED', 'JOB_COMPLETED', 'JOB_CANCELLED', 'JOB_CREATED'],
  EXPORT_STARTED: ['JOB_COMPLETED', 'EXPORT_FAILED', 'SYNC_FAILED', 'JOB_CANCELLED', 'JOB_CREATED'],
  DISCOVER_FAILED: [],
  SYNC_FAILED: [],
  ETL_FAILED: [],
  EXPORT_FAILED: [],
  JOB_COMPLETED: [],
  JOB_CANCELLED: [],
};
/** The failure status the worker and the reaper used before; refused by the moves at SYNC_SUCCESS and ETL_SUCCESS. */
function failureStatusBefore(status: string): string {
  if (status === 'DISCOVER_STARTED') return 'DISCOVER_FAILED';
  if (status === 'ETL_STARTED') return 'ETL_FAILED';
  if (status === 'EXPORT_STARTED' || status === 'ETL_SUCCESS') return 'EXPORT_FAILED';
  return 'SYNC_FAILED';
}

const NON_TERMINAL = JOB_STATUSES.filter((s) => !isTerminal(s));
const sorted = (list: readonly string[]): string[] => [...list].sort();

test('the statuses and the terminal ones are those the code listed before, in the same order', () => {
  assert.deepEqual([...JOB_STATUSES], STATUSES_BEFORE);
  assert.deepEqual(sorted([...TERMINAL_STATUSES]), sorted(TERMINAL_BEFORE));
  assert.deepEqual(sorted([...FAILURE_STATUSES]), ['DISCOVER_FAILED', 'ETL_FAILED', 'EXPORT_FAILED', 'SYNC_FAILED']);
  assert.equal(isFailureStatus('SYNC_FAILED'), true);
  assert.equal(isFailureStatus('VALIDATION_FAILED'), false, 'only a phase failure, not any *_FAILED text');
  assert.equal(isFailureStatus(undefined), false);
  assert.equal(isTerminal('NOT_A_STATUS'), false);
});

test('the moves are those of before, plus the failure between phases that was refused', () => {
  const added: string[] = [];
  const removed: string[] = [];
  for (const s of JOB_STATUSES) {
    for (const to of JOB_TRANSITIONS[s]) if (!TRANSITIONS_BEFORE[s].includes(to)) added.push(`${s} → ${to}`);
    for (const to of TRANSITIONS_BEFORE[s]) if (!JOB_TRANSITIONS[s].includes(to as JobStatus)) removed.push(`${s} → ${to}`);
  }
  assert.deepEqual(removed, []);
  assert.deepEqual(added, ['SYNC_SUCCESS → ETL_FAILED', 'ETL_SUCCESS → EXPORT_FAILED']);
  for (const s of JOB_STATUSES) assert.equal(new Set(JOB_TRANSITIONS[s]).size, JOB_TRANSITIONS[s].length, `${s}: no move listed twice`);
});

test('every non-terminal status has a failure status, a phase failure the moves allow; cancel is allowed from each', () => {
  const table = NON_TERMINAL.map((s) => [s, failureStatusFor(s)]);
  assert.deepEqual(table, [
    ['JOB_CREATED', 'SYNC_FAILED'],
    ['DISCOVER_STARTED', 'DISCOVER_FAILED'],
    ['DISCOVER_SUCCESS', 'SYNC_FAILED'],
    ['SYNC_STARTED', 'SYNC_FAILED'],
    ['SYNC_SUCCESS', 'ETL_FAILED'],
    ['ETL_STARTED', 'ETL_FAILED'],
    ['ETL_SUCCESS', 'EXPORT_FAILED'],
    ['EXPORT_STARTED', 'EXPORT_FAILED'],
  ]);
  for (const s of NON_TERMINAL) {
    const failure = failureStatusFor(s);
    assert.ok(isFailureStatus(failure) && isTerminal(failure), `${s} fails as ${failure}, a terminal failure`);
    assert.ok(canTransition(s, failure), `${s} → ${failure} is allowed`);
    assert.ok(canTransition(s, 'JOB_CANCELLED'), `${s} → JOB_CANCELLED is allowed`);
    assert.equal(canTransition(s, s), false, `${s} does not move to itself`);
  }
});

test('where the failure status of before was allowed, it is unchanged; where it was refused, the move now exists', () => {
  for (const s of NON_TERMINAL) {
    const before = failureStatusBefore(s);
    if (TRANSITIONS_BEFORE[s].includes(before)) assert.equal(failureStatusFor(s), before, s);
    else assert.ok(['SYNC_SUCCESS', 'ETL_SUCCESS'].includes(s), `${s}: refused before`);
  }
});

test('terminal statuses have no moves, and nothing is left to fail', () => {
  for (const s of TERMINAL_STATUSES) {
    assert.deepEqual(JOB_TRANSITIONS[s], [], s);
    assert.equal(failureStatusFor(s), s);
  }
});

test('every non-terminal status is reachable from JOB_CREATED, and every status can reach a terminal one', () => {
  const reached = new Set<JobStatus>(['JOB_CREATED']);
  const todo: JobStatus[] = ['JOB_CREATED'];
  while (todo.length > 0) {
    for (const to of JOB_TRANSITIONS[todo.pop()!]) {
      if (!reached.has(to)) {
        reached.add(to);
        todo.push(to);
      }
    }
  }
  assert.deepEqual(sorted([...reached]), sorted(JOB_STATUSES));
  for (const s of NON_TERMINAL) assert.ok(JOB_TRANSITIONS[s].some(isTerminal), `${s} has a terminal move`);
});

test("the job process fails the phase it is in with the table's failure status", () => {
  assert.equal(failureFor('starting'), 'SYNC_FAILED', 'before any phase');
  for (const s of NON_TERMINAL) assert.equal(failureFor(s), failureStatusFor(s), s);
  // As it mapped them before, except where the moves refused it: DISCOVER_SUCCESS failed as
  // DISCOVER_FAILED, ETL_SUCCESS as ETL_FAILED (a phase that had just succeeded).
  assert.deepEqual(
    ['DISCOVER_STARTED', 'DISCOVER_SUCCESS', 'SYNC_STARTED', 'SYNC_SUCCESS', 'ETL_STARTED', 'ETL_SUCCESS', 'EXPORT_STARTED'].map(
      failureFor,
    ),
    ['DISCOVER_FAILED', 'SYNC_FAILED', 'SYNC_FAILED', 'ETL_FAILED', 'ETL_FAILED', 'EXPORT_FAILED', 'EXPORT_FAILED'],
  );
});

test('the phase durations read the same phases as before', () => {
  assert.deepEqual(RUNNING_PHASES, [
    { phase: 'discover', start: 'DISCOVER_STARTED', success: 'DISCOVER_SUCCESS', failure: 'DISCOVER_FAILED' },
    { phase: 'sync', start: 'SYNC_STARTED', success: 'SYNC_SUCCESS', failure: 'SYNC_FAILED' },
    { phase: 'etl', start: 'ETL_STARTED', success: 'ETL_SUCCESS', failure: 'ETL_FAILED' },
    { phase: 'export', start: 'EXPORT_STARTED', success: 'JOB_COMPLETED', failure: 'EXPORT_FAILED' },
  ]);
});

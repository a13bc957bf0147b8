import assert from 'node:assert/strict';
import { test } from 'node:test';
import { progressLine } from '../../src/cli/progress-line.js';
import { JOB_STATUSES } from '../../src/model/job.js';

test('the records column starts at the same place for every status, DISCOVER_* included', () => {
  const columns = new Set(
    JOB_STATUSES.map((status) => {
      const line = progressLine({ job_id: 'j1', status, metrics: { recordCount: { users: 3 } }, start_time: new Date().toISOString() });
      assert.match(line, new RegExp(`^j1 ${status} +3 records \\(users=3\\) \\d+\\.\\ds$`));
      return line.indexOf(' 3 records');
    }),
  );
  assert.equal(columns.size, 1, [...columns].join());
});

import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import * as fx from '../store/store-fixtures.js';
import { run, sinew, tempDir } from './cli-process.js';

const ENV = 'legacy.sinew.local';

/**
 * Tenants stored before ids were checked, under ids the API now refuses, cannot be reached through
 * the API at all; `sinew tenants invalid-ids` finds them and `--delete` removes their rows.
 */
describe('sinew tenants invalid-ids', () => {
  test('lists the tenants the API cannot name, deletes their rows with --delete, and leaves valid tenants alone', async () => {
    const { dir, remove } = await tempDir('invalid-ids');
    try {
      const file = path.join(dir, 'sinew.db');
      let store = await openSqliteStore(file);
      await store.migrate();
      await store.environments.put(fx.environment({ env_id: ENV }));
      for (const tenant of ['T2/snapshots', '..', 'good-one']) {
        await store.tenants.put(fx.tenant({ env_id: ENV, tenant }));
        await store.links.put(fx.link({ env_id: ENV, tenant }));
        await store.jobs.insert(
          fx.job({ job_id: `job-${tenant.length}-${tenant.charCodeAt(0)}`, env_id: ENV, tenant, status: 'JOB_COMPLETED' }),
        );
      }
      await store.links.put(fx.link({ env_id: ENV, tenant: '<b>linked-only</b>' }));
      await store.close();

      const env = { SINEW_DATA_DIR: dir };
      const listed = await run(sinew('tenants', 'invalid-ids'), { env });
      assert.equal(listed.code, 0, listed.stderr);
      assert.deepEqual(
        listed.stdout.trim().split('\n').sort(),
        [`${ENV}\t".."\t1 link(s)`, `${ENV}\t"<b>linked-only</b>"\t1 link(s)`, `${ENV}\t"T2/snapshots"\t1 link(s)`].sort(),
      );
      assert.match(listed.stderr, /3 tenant\(s\) with an invalid id/);

      const deleted = await run(sinew('tenants', 'invalid-ids', '--delete'), { env });
      assert.equal(deleted.code, 0, deleted.stderr);
      assert.equal(
        deleted.stdout
          .trim()
          .split('\n')
          .filter((l) => l.endsWith('\tdeleted')).length,
        3,
      );

      store = await openSqliteStore(file);
      try {
        assert.deepEqual(
          (await store.tenants.list(ENV)).map((t) => t.tenant),
          ['good-one'],
        );
        assert.deepEqual([...new Set((await store.links.list({ env_id: ENV })).map((l) => l.tenant))], ['good-one']);
        assert.deepEqual(
          (await store.jobs.list({ env_id: ENV, limit: 10 })).map((j) => j.tenant),
          ['good-one'],
        );
      } finally {
        await store.close();
      }
      const again = await run(sinew('tenants', 'invalid-ids'), { env });
      assert.equal(again.stdout, '');
      assert.match(again.stderr, /no tenant has an invalid id/);
      assert.equal((await run(sinew('tenants', 'nonsense'), { env })).code, 2);
    } finally {
      await remove();
    }
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AuditLog, type AuditRecord } from '../../src/audit/audit-log.js';
import type { Store } from '../../src/store/store.js';
import { forEachStoreAdapter, type OpenFresh, withFreshStore } from '../support/store-adapters.js';

const ENV = 'a.sinew.local';
const record = (atMs: number, flow: string, envId = ENV): AuditRecord => ({
  env_id: envId,
  at: new Date(atMs).toISOString(),
  actor: 'key0123456789abc',
  actor_kind: 'environment',
  key_id: 'key0123456789abc',
  ip: '127.0.0.1',
  method: 'PUT',
  route: 'PUT /{env}/flows/{flow}',
  resource: 'flows',
  ids: { flow },
  tenant: null,
  fields: ['name'],
  status_code: 200,
  error_code: null,
});
const flows = async (s: Store, envId = ENV): Promise<string[]> =>
  (await s.audit.list({ env_id: envId, limit: 100 })).map((e) => e.ids.flow!);

function contract(name: string, openFresh: OpenFresh, skip: string | false): void {
  describe(`audit log retention: ${name}`, { skip }, () => {
    const withStore = (body: (s: Store) => Promise<void>) => withFreshStore(openFresh, body);

    test('the cap keeps the newest entries, pruned at most once per interval per environment', () =>
      withStore(async (s) => {
        const log = new AuditLog(s, { maxAgeMs: 24 * 3600_000, maxEntries: 3, pruneEveryMs: 60_000 });
        for (let i = 0; i < 6; i++) await log.record(record(i * 1000, `f${i}`));
        await log.record(record(2000, 'other', 'b.sinew.local'));
        assert.equal((await flows(s)).length, 6, 'within the interval nothing is pruned');
        await log.record(record(70_000, 'f6'));
        assert.deepEqual(await flows(s), ['f6', 'f5', 'f4']);
        assert.deepEqual(await flows(s, 'b.sinew.local'), ['other']);
      }));

    test('entries older than the age limit go', () =>
      withStore(async (s) => {
        const log = new AuditLog(s, { maxAgeMs: 30_000, maxEntries: 1000, pruneEveryMs: 60_000 });
        await log.record(record(0, 'old'));
        await log.record(record(10_000, 'older-than-30s-at-65s'));
        await log.record(record(40_000, 'recent'));
        await log.record(record(65_000, 'now'));
        assert.deepEqual(await flows(s), ['now', 'recent']);
      }));
  });
}

await forEachStoreAdapter(contract);

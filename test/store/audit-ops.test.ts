import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AuditEntry } from '../../src/model/audit-entry.js';
import type { Store } from '../../src/store/store.js';
import { forEachStoreAdapter, type OpenFresh, withFreshStore } from '../support/store-adapters.js';

const ENV = 'a.sinew.local';

const entry = (n: number, o: Partial<AuditEntry> = {}): AuditEntry => ({
  audit_id: `au${n}`,
  env_id: ENV,
  at: new Date(1_000_000 + n * 1000).toISOString(),
  actor: 'key0123456789abc',
  actor_kind: 'environment',
  key_id: 'key0123456789abc',
  ip: '127.0.0.1',
  method: 'PUT',
  route: 'PUT /{env}/flows/{flow}',
  resource: 'flows',
  ids: { flow: `F${n}` },
  tenant: null,
  fields: ['name', 'type'],
  status_code: 200,
  error_code: null,
  ...o,
});

const ids = (entries: AuditEntry[]): string[] => entries.map((e) => e.audit_id);

function contract(name: string, openFresh: OpenFresh, skip: string | false): void {
  describe(`audit log ops: ${name}`, { skip }, () => {
    const withStore = (body: (s: Store) => Promise<void>) => withFreshStore(openFresh, body);

    test('entries round-trip, newest first (by insertion, even within one millisecond), per environment', () =>
      withStore(async (s) => {
        const sameMs = new Date(5_000_000).toISOString();
        for (const n of [1, 2, 3]) await s.audit.insert(entry(n, { at: sameMs }));
        await s.audit.insert(entry(9, { env_id: 'b.sinew.local' }));
        const got = await s.audit.list({ env_id: ENV, limit: 10 });
        assert.deepEqual(ids(got), ['au3', 'au2', 'au1']);
        assert.deepEqual(got[2], entry(1, { at: sameMs }), 'the entry comes back whole');
        assert.deepEqual(ids(await s.audit.list({ env_id: 'b.sinew.local', limit: 10 })), ['au9'], 'another environment sees only its own');
        assert.deepEqual(await s.audit.list({ env_id: ENV, limit: 0 }), []);
      }));

    test('pages continue after the cursor; an unknown or foreign cursor gives nothing', () =>
      withStore(async (s) => {
        for (let n = 1; n <= 5; n++) await s.audit.insert(entry(n));
        await s.audit.insert(entry(6, { env_id: 'b.sinew.local', audit_id: 'foreign' }));
        const first = await s.audit.list({ env_id: ENV, limit: 2 });
        assert.deepEqual(ids(first), ['au5', 'au4']);
        const second = await s.audit.list({ env_id: ENV, limit: 2, before_audit_id: 'au4' });
        assert.deepEqual(ids(second), ['au3', 'au2']);
        assert.deepEqual(ids(await s.audit.list({ env_id: ENV, limit: 2, before_audit_id: 'au2' })), ['au1']);
        assert.deepEqual(await s.audit.list({ env_id: ENV, limit: 2, before_audit_id: 'nope' }), []);
        assert.deepEqual(await s.audit.list({ env_id: ENV, limit: 2, before_audit_id: 'foreign' }), []);
      }));

    test('filters: a tenant (concerned or acting), a resource, since an instant', () =>
      withStore(async (s) => {
        await s.audit.insert(entry(1, { tenant: 'acme', resource: 'links' }));
        await s.audit.insert(
          entry(2, { actor: 'tenant:acme', actor_kind: 'tenant', tenant: 'globex', resource: 'links', status_code: 403 }),
        );
        await s.audit.insert(entry(3, { tenant: 'globex', resource: 'schedules' }));
        await s.audit.insert(entry(4, { resource: 'settings' }));
        assert.deepEqual(ids(await s.audit.list({ env_id: ENV, tenant: 'acme', limit: 10 })), ['au2', 'au1']);
        assert.deepEqual(ids(await s.audit.list({ env_id: ENV, tenant: 'globex', limit: 10 })), ['au3', 'au2']);
        assert.deepEqual(ids(await s.audit.list({ env_id: ENV, resource: 'links', limit: 10 })), ['au2', 'au1']);
        assert.deepEqual(ids(await s.audit.list({ env_id: ENV, tenant: 'globex', resource: 'links', limit: 10 })), ['au2']);
        assert.deepEqual(ids(await s.audit.list({ env_id: ENV, since_ms: Date.parse(entry(3).at), limit: 10 })), ['au4', 'au3']);
      }));

    test('prune drops entries past the age limit and beyond the newest `keep`, in one environment only', () =>
      withStore(async (s) => {
        for (let n = 1; n <= 6; n++) await s.audit.insert(entry(n));
        for (let n = 1; n <= 3; n++) await s.audit.insert(entry(n, { env_id: 'b.sinew.local' }));
        assert.equal(await s.audit.prune(ENV, { beforeMs: 0, keep: 10 }), 0, 'nothing is old, nothing over the cap');
        assert.equal(await s.audit.prune(ENV, { beforeMs: Date.parse(entry(2).at), keep: 10 }), 1, 'older than entry 2');
        assert.deepEqual(ids(await s.audit.list({ env_id: ENV, limit: 10 })), ['au6', 'au5', 'au4', 'au3', 'au2']);
        assert.equal(await s.audit.prune(ENV, { beforeMs: 0, keep: 3 }), 2, 'the cap keeps the newest three');
        assert.deepEqual(ids(await s.audit.list({ env_id: ENV, limit: 10 })), ['au6', 'au5', 'au4']);
        assert.equal((await s.audit.list({ env_id: 'b.sinew.local', limit: 10 })).length, 3, 'the other environment keeps all');
      }));
  });
}

await forEachStoreAdapter(contract);

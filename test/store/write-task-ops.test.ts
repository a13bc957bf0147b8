import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { WriteTask } from '../../src/model/write-task.js';
import type { Store } from '../../src/store/store.js';
import { forEachStoreAdapter, type OpenFresh, withFreshStore } from '../support/store-adapters.js';

const task = (o: Partial<WriteTask> = {}): WriteTask => ({
  task_id: 'tk1',
  env_id: 'a.sinew.local',
  flow_id: 'F1',
  tenant: 't1',
  connector_id: 'http',
  stream: 'Contacts',
  status: 'QUEUED',
  created_at: new Date(1000).toISOString(),
  updated_at: new Date(1000).toISOString(),
  lease_until: 5000,
  records: [{ externalId: 'x', n: 12345678901234567890n }],
  state: null,
  error: null,
  ...o,
});

function contract(name: string, openFresh: OpenFresh, skip: string | false): void {
  describe(`write tasks and key locks: ${name}`, { skip }, () => {
    const withStore = (body: (s: Store) => Promise<void>) => withFreshStore(openFresh, body);

    test('a task round-trips; updates are compare-and-set on the status; leases renew only while running', () =>
      withStore(async (s) => {
        await s.writeTasks.insert(task());
        const got = await s.writeTasks.get('a.sinew.local', 'tk1');
        assert.equal(got?.status, 'QUEUED');
        assert.equal(String((got!.records![0] as Record<string, unknown>).n), '12345678901234567890', 'numbers stay exact');
        assert.equal(await s.writeTasks.get('b.sinew.local', 'tk1'), undefined, 'another environment sees nothing');
        assert.equal(await s.writeTasks.renewLease('a.sinew.local', 'tk1', 9000), false, 'not running yet');
        assert.equal(await s.writeTasks.update(task({ status: 'RUNNING', lease_until: 6000 }), 'QUEUED'), true);
        assert.equal(await s.writeTasks.update(task({ status: 'RUNNING' }), 'QUEUED'), false, 'the second mover loses');
        assert.equal(await s.writeTasks.renewLease('a.sinew.local', 'tk1', 9000), true);
        assert.equal((await s.writeTasks.get('a.sinew.local', 'tk1'))?.lease_until, 9000);
        const done = task({ status: 'COMPLETED', lease_until: null, records: null, updated_at: new Date(2000).toISOString() });
        assert.equal(await s.writeTasks.update(done, 'RUNNING'), true);
        assert.equal((await s.writeTasks.get('a.sinew.local', 'tk1'))?.lease_until, null);
        await s.writeTasks.insert(task({ task_id: 'tk2', status: 'RUNNING', updated_at: new Date(500).toISOString() }));
        assert.equal(await s.writeTasks.deleteFinishedBefore(1500), 0, 'tk1 ended later, tk2 is still running');
        assert.equal(await s.writeTasks.deleteFinishedBefore(2500), 1);
        assert.equal(await s.writeTasks.get('a.sinew.local', 'tk1'), undefined);
        assert.ok(await s.writeTasks.get('a.sinew.local', 'tk2'));
      }));

    test('key locks exclude each other per key, in any order of keys, and not across keys', () =>
      withStore(async (s) => {
        const events: string[] = [];
        // Each holds its keys a while on purpose: a holder of the same key must wait for it.
        const hold = (name: string, keys: string[], ms: number) =>
          s.locks.withKeys(keys, async () => {
            events.push(`${name}+`);
            await new Promise((r) => setTimeout(r, ms));
            events.push(`${name}-`);
          });
        await Promise.all([hold('a', ['k1', 'k2'], 80), hold('b', ['k2', 'k1'], 10), hold('c', ['k3'], 10)]);
        const a = events.indexOf('a-');
        const b = events.indexOf('b+');
        assert.ok(b > a, `b waited for a: ${events.join(' ')}`);
        assert.ok(events.indexOf('c+') < a, `c did not wait: ${events.join(' ')}`);
        await assert.rejects(
          s.locks.withKeys(['k1'], async () => {
            throw new Error('boom');
          }),
          /boom/,
        );
        let ran = false;
        await s.locks.withKeys(['k1'], async () => {
          ran = true;
        });
        assert.ok(ran, 'a failure releases its locks');
      }));

    // Only PostgreSQL serves several processes; an embedded SQLite store belongs to one server.
    test('two stores on one database (two processes) exclude each other', {
      skip: name === 'postgres' ? false : 'one process per SQLite store',
    }, async () => {
      const first = await openFresh();
      const second = await first.reopen();
      try {
        const events: string[] = [];
        // Each holds the lock a while on purpose: the other must wait for it.
        const hold = (store: Store, who: string, ms: number, holding = () => {}) =>
          store.locks.withKeys(['same-key'], async () => {
            events.push(`${who}+`);
            holding();
            await new Promise((r) => setTimeout(r, ms));
            events.push(`${who}-`);
          });
        let oneHolds!: () => void;
        const held = new Promise<void>((resolve) => (oneHolds = resolve));
        const one = hold(first.store, 'one', 150, oneHolds);
        await held;
        await Promise.all([one, hold(second, 'two', 10)]);
        assert.deepEqual(events, ['one+', 'one-', 'two+', 'two-']);
      } finally {
        await second.close();
        await first.store.close();
        await first.dispose();
      }
    });
  });
}

await forEachStoreAdapter(contract);

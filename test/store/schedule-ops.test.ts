import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SecretBox } from '../../src/crypto/secret-box.js';
import type { Schedule } from '../../src/model/schedule.js';
import { ScheduleService } from '../../src/schedules/schedule-service.js';
import type { Store } from '../../src/store/store.js';
import { forEachStoreAdapter, type OpenFresh, withFreshStore } from '../support/store-adapters.js';
import * as fx from './store-fixtures.js';

const schedule = (o: Partial<Schedule> = {}): Schedule => ({
  ...fx.linkKey(o),
  schedule_expression: 'cron(0 0 * * *)',
  state: 'ENABLED',
  job_type: null,
  when_active: 'skip',
  request: { job_name: 'nightly' },
  sealed_overrides: null,
  created_at: '2024-05-01T10:00:00.000Z',
  updated_at: '2024-05-01T10:00:00.000Z',
  ...o,
});

function scheduleOpsContract(name: string, openFresh: OpenFresh, skip: string | false = false): void {
  describe(`schedule ops: ${name}`, { skip }, () => {
    const withStore = (body: (s: Store) => Promise<void>) => withFreshStore(openFresh, body);

    test('put/get round-trips; put keeps the last firing; due listing is ordered and skips disabled ones', () =>
      withStore(async (s) => {
        const a = schedule({ tenant: 'a' });
        const b = schedule({ tenant: 'b' });
        const off = schedule({ tenant: 'c', state: 'DISABLED' });
        await s.schedules.putSchedule(a, 2000);
        await s.schedules.putSchedule(b, 1000);
        await s.schedules.putSchedule(off, null);
        assert.deepEqual((await s.schedules.getSchedule(a))?.schedule, a);
        assert.deepEqual(
          (await s.schedules.listDueSchedules(5000, 10)).map((r) => r.schedule.tenant),
          ['b', 'a'],
        );
        assert.deepEqual(
          (await s.schedules.listDueSchedules(1500, 10)).map((r) => r.schedule.tenant),
          ['b'],
        );
        assert.deepEqual(
          (await s.schedules.listDueSchedules(5000, 1)).map((r) => r.schedule.tenant),
          ['b'],
        );
        assert.equal(await s.schedules.earliestNextFire(), 1000);

        assert.equal(await s.schedules.claimTick(b, 1000, 9000, 1001), true);
        await s.schedules.recordOutcome(b, 1000, 1002, { result: 'created', job_id: 'j1', queued_behind: null });
        await s.schedules.putSchedule({ ...b, when_active: 'queue' }, 9000);
        const got = await s.schedules.getSchedule(b);
        assert.equal(got?.schedule.when_active, 'queue');
        assert.equal(got?.last_fired_at, 1002);
        assert.deepEqual(got?.last_outcome, { result: 'created', job_id: 'j1', queued_behind: null });
        assert.equal(got?.claimed_tick, null);
      }));

    test('claimTick is a compare-and-set: of two claims of one tick only the first wins, also concurrently', () =>
      withStore(async (s) => {
        const a = schedule();
        await s.schedules.putSchedule(a, 60_000);
        const results = await Promise.all([
          s.schedules.claimTick(a, 60_000, 120_000, 60_001),
          s.schedules.claimTick(a, 60_000, 120_000, 60_002),
        ]);
        assert.deepEqual(results.sort(), [false, true]);
        const row = await s.schedules.getSchedule(a);
        assert.equal(row?.next_fire_at, 120_000);
        assert.equal(row?.claimed_tick, 60_000);
        // The outcome of another tick does not clear this claim.
        assert.equal(await s.schedules.recordOutcome(a, 1, 1, { result: 'skipped', reason: 'x', active_job_id: null }), false);
        assert.deepEqual(
          (await s.schedules.listStaleClaims(70_000, 10)).map((r) => r.claimed_tick),
          [60_000],
        );
        assert.deepEqual(await s.schedules.listStaleClaims(60_000, 10), []);
        const claimedAt = row!.claimed_at!;
        assert.equal(await s.schedules.reclaimTick(a, 60_000, claimedAt, 200_000), true);
        assert.equal(await s.schedules.reclaimTick(a, 60_000, claimedAt, 200_001), false, 'another scheduler took the claim over first');
        assert.equal(await s.schedules.recordOutcome(a, 60_000, 200_002, { result: 'skipped', reason: 'busy', active_job_id: 'j0' }), true);
        assert.deepEqual(await s.schedules.listStaleClaims(Number.MAX_SAFE_INTEGER, 10), []);
      }));

    test('delete one, delete a tenant’s, and in a transaction', () =>
      withStore(async (s) => {
        await s.schedules.putSchedule(schedule({ tenant: 'a', connector_id: 'x' }), 1);
        await s.schedules.putSchedule(schedule({ tenant: 'a', connector_id: 'y' }), 1);
        await s.schedules.putSchedule(schedule({ tenant: 'b' }), 1);
        assert.equal(await s.schedules.deleteSchedule(fx.linkKey({ tenant: 'b' })), true);
        assert.equal(await s.schedules.deleteSchedule(fx.linkKey({ tenant: 'b' })), false);
        await assert.rejects(
          s.transaction(async (tx) => {
            assert.equal(await tx.schedules.deleteTenantSchedules(fx.linkKey().env_id, 'a'), 2);
            throw new Error('roll back');
          }),
          /roll back/,
        );
        assert.equal((await s.schedules.listDueSchedules(10, 10)).length, 2);
      }));

    test('ScheduleService.applyDefault gives a link the default schedule once, and leaves an existing one alone', () =>
      withStore(async (s) => {
        const service = new ScheduleService(s, new SecretBox(SecretBox.generateSecret()));
        const key = fx.linkKey({ tenant: 'new' });
        const before = Date.now();
        const applied = await s.transaction((tx) =>
          service.applyDefault(tx, key, { schedule_expression: 'cron(30 2 * * *)', job_type: 'read' }),
        );
        assert.equal(applied.schedule.state, 'ENABLED');
        assert.equal(applied.schedule.job_type, 'read');
        assert.ok(applied.next_fire_at! > before && applied.next_fire_at! <= before + 24 * 3600_000);
        assert.equal(new Date(applied.next_fire_at!).toISOString().slice(11), '02:30:00.000Z');
        const again = await s.transaction((tx) => service.applyDefault(tx, key, { schedule_expression: '0 0 1 1 *' }));
        assert.equal(again.schedule.schedule_expression, 'cron(30 2 * * *)');
        const view = service.view((await s.schedules.getSchedule(key))!);
        assert.equal(view.tap, key.connector_id);
        assert.equal(view.next_run, new Date(applied.next_fire_at!).toISOString());
      }));
  });
}

await forEachStoreAdapter(scheduleOpsContract);

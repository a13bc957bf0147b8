import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isLosslessNumber, LosslessNumber } from 'lossless-json';
import type { RecordIdScope, RecordIdWrite } from '../../src/store/record-id-ops.js';
import type { Store } from '../../src/store/store.js';
import { at } from '../support/elements.js';
import { forEachStoreAdapter, type OpenFresh, withFreshStore } from '../support/store-adapters.js';
import { BIG_ID } from './store-fixtures.js';

const A = 'a.sinew.local';
const B = 'b.sinew.local';

const scope = (o: Partial<RecordIdScope> = {}): RecordIdScope => ({ env_id: A, tenant: 't1', flow_id: 'F1', stream: 'contacts', ...o });
const id = (n: number) => `ext-${String(n).padStart(5, '0')}`;
const writes = (from: number, to: number, jobId: string, remote = (n: number) => `r${n}`): RecordIdWrite[] =>
  Array.from({ length: to - from }, (_, i) => ({ input_id: id(from + i), remote_id: remote(from + i), job_id: jobId }));

function recordIdOpsContract(name: string, openFresh: OpenFresh, skip: string | false): void {
  describe(`record-id ops: ${name}`, { skip }, () => {
    const withStore = (body: (s: Store) => Promise<void>) => withFreshStore(openFresh, body);

    test('round trip; an update replaces remote id, data and hash and keeps created_job_id', () =>
      withStore(async (s) => {
        const sc = scope();
        await s.recordIds.upsertMany(sc, [
          { input_id: 'x1', remote_id: '501', custom_data: { job_id: 'j1', tx: 7 }, record_hash: 'h1', job_id: 'j1', updated_at: 1000 },
          { input_id: 'x2', remote_id: '502', job_id: 'j1', updated_at: 1000 },
        ]);
        const got = await s.recordIds.lookup(sc, ['x1', 'x2', 'nope']);
        assert.equal(got.size, 2);
        assert.deepEqual(got.get('x1'), {
          input_id: 'x1',
          remote_id: '501',
          custom_data: { job_id: 'j1', tx: 7 },
          record_hash: 'h1',
          created_job_id: 'j1',
          updated_at: 1000,
        });
        assert.deepEqual(got.get('x2')?.custom_data, {});
        assert.equal(got.get('x2')?.record_hash, null);

        await s.recordIds.upsertMany(sc, [
          { input_id: 'x1', remote_id: '601', custom_data: { job_id: 'j2' }, record_hash: 'h2', job_id: 'j2', updated_at: 2000 },
        ]);
        assert.deepEqual((await s.recordIds.lookup(sc, ['x1'])).get('x1'), {
          input_id: 'x1',
          remote_id: '601',
          custom_data: { job_id: 'j2' },
          record_hash: 'h2',
          created_job_id: 'j1',
          updated_at: 2000,
        });
        assert.equal(await s.recordIds.count(sc), 2);
        assert.equal((await s.recordIds.lookup(sc, [])).size, 0);
      }));

    test('repeated input ids in one call: the last wins', () =>
      withStore(async (s) => {
        const before = Date.now();
        await s.recordIds.upsertMany(scope(), [
          { input_id: 'dup', remote_id: 'first', job_id: 'j1' },
          { input_id: 'dup', remote_id: 'second', job_id: 'j1' },
        ]);
        const got = (await s.recordIds.lookup(scope(), ['dup', 'dup'])).get('dup');
        assert.equal(got?.remote_id, 'second');
        assert.ok(got!.updated_at >= before && got!.updated_at <= Date.now());
        assert.equal(await s.recordIds.count(scope()), 1);
      }));

    test('scopes and environments are isolated', () =>
      withStore(async (s) => {
        const first = scope();
        const others = [scope({ env_id: B }), scope({ tenant: 't2' }), scope({ flow_id: 'F2' }), scope({ stream: 'companies' })];
        const scopes = [first, ...others];
        for (const [i, sc] of scopes.entries()) await s.recordIds.upsertMany(sc, [{ input_id: 'same', remote_id: `r${i}`, job_id: 'j' }]);
        for (const [i, sc] of scopes.entries()) {
          assert.equal((await s.recordIds.lookup(sc, ['same'])).get('same')?.remote_id, `r${i}`);
          assert.equal(await s.recordIds.count(sc), 1);
        }
        assert.equal(await s.recordIds.deleteMany(first, ['same']), 1);
        assert.equal((await s.recordIds.lookup(first, ['same'])).size, 0);
        for (const sc of others) assert.equal(await s.recordIds.count(sc), 1);
      }));

    test('more than 500 ids: upsert, lookup and delete go through every chunk', () =>
      withStore(async (s) => {
        const sc = scope();
        await s.recordIds.upsertMany(sc, writes(0, 1234, 'j1'));
        assert.equal(await s.recordIds.count(sc), 1234);
        const all = Array.from({ length: 1300 }, (_, n) => id(n));
        const got = await s.recordIds.lookup(sc, all);
        assert.equal(got.size, 1234);
        assert.equal(got.get(id(0))?.remote_id, 'r0');
        assert.equal(got.get(id(777))?.remote_id, 'r777');
        assert.equal(got.get(id(1233))?.remote_id, 'r1233');
        assert.equal(got.has(id(1234)), false);
        // An update across chunks touches only the ids given.
        await s.recordIds.upsertMany(
          sc,
          writes(600, 1234, 'j2', (n) => `u${n}`),
        );
        const again = await s.recordIds.lookup(sc, all);
        assert.equal(again.get(id(599))?.remote_id, 'r599');
        assert.equal(again.get(id(1000))?.remote_id, 'u1000');
        assert.equal(again.get(id(1000))?.created_job_id, 'j1');
        assert.equal(await s.recordIds.deleteMany(sc, all.slice(0, 1100)), 1100);
        assert.equal(await s.recordIds.count(sc), 134);
        assert.equal(await s.recordIds.deleteMany(sc, []), 0);
      }));

    test('big numbers and decimals in custom_data come back exact', () =>
      withStore(async (s) => {
        const data = {
          transaction_id: new LosslessNumber(BIG_ID),
          amount: new LosslessNumber('0.10000000000000000000001'),
          small: 5,
          nested: [{ id: new LosslessNumber('9007199254740993') }],
        };
        await s.recordIds.upsertMany(scope(), [{ input_id: 'big', remote_id: BIG_ID, custom_data: data }]);
        const got = (await s.recordIds.lookup(scope(), ['big'])).get('big')!;
        assert.equal(got.remote_id, BIG_ID);
        assert.ok(isLosslessNumber(got.custom_data.transaction_id));
        assert.equal(String(got.custom_data.transaction_id), BIG_ID);
        assert.equal(String(got.custom_data.amount), '0.10000000000000000000001');
        assert.equal(got.custom_data.small, 5);
        assert.equal(String(at(got.custom_data.nested as { id: unknown }[], 0).id), '9007199254740993');
        assert.equal(got.created_job_id, null);
      }));

    test('list pages a scope in input-id order (keyset)', () =>
      withStore(async (s) => {
        const sc = scope();
        // Mixed case and digits: byte order on both dialects (uppercase before lowercase).
        const inputIds = ['b', 'A', 'a', '10', '9', 'B', 'a-1', 'a_1'];
        await s.recordIds.upsertMany(
          sc,
          inputIds.map((input_id) => ({ input_id, remote_id: `r-${input_id}` })),
        );
        await s.recordIds.upsertMany(scope({ tenant: 'other' }), [{ input_id: '0', remote_id: 'x' }]);
        const seen: string[] = [];
        let afterId: string | undefined;
        for (;;) {
          const page = await s.recordIds.list(sc, 3, afterId);
          const last = page.at(-1);
          if (!last) break;
          seen.push(...page.map((e) => e.input_id));
          afterId = last.input_id;
        }
        assert.deepEqual(seen, [...inputIds].sort());
        assert.deepEqual(seen, ['10', '9', 'A', 'B', 'a', 'a-1', 'a_1', 'b']);
      }));

    test('inside a transaction: visible within, gone after a rollback, kept after a commit', () =>
      withStore(async (s) => {
        const sc = scope();
        await s.recordIds.upsertMany(sc, writes(0, 2, 'j0'));
        await assert.rejects(
          s.transaction(async (tx) => {
            await tx.recordIds.upsertMany(sc, writes(2, 700, 'j1'));
            await tx.recordIds.deleteMany(sc, [id(0)]);
            assert.equal(await tx.recordIds.count(sc), 699);
            throw new Error('boom');
          }),
          /boom/,
        );
        assert.equal(await s.recordIds.count(sc), 2);
        assert.equal((await s.recordIds.lookup(sc, [id(0)])).size, 1);

        await s.transaction(async (tx) => {
          await tx.recordIds.upsertMany(sc, writes(2, 4, 'j1'));
        });
        assert.equal(await s.recordIds.count(sc), 4);
      }));
  });
}

await forEachStoreAdapter(recordIdOpsContract);

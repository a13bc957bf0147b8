import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import type { AttemptResult, ClaimedDelivery } from '../../src/store/delivery-ops.js';
import { openPostgresStore } from '../../src/store/postgres-store.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { at } from '../support/elements.js';
import { createPostgresSchema, postgresSkipReason } from '../support/postgres-schema.js';

/** Two handles on one fresh, migrated database (two processes' worth), and how to dispose of them. */
type OpenPair = () => Promise<{ a: Store; b: Store; dispose(): Promise<void> }>;

const ENV = 'd.sinew.local';
let counter = 0;
const event = (key: string, payload: Record<string, unknown> = {}) => ({
  event_id: `ev-${++counter}-${Math.random().toString(36).slice(2, 8)}`,
  env_id: ENV,
  kind: 'job_lifecycle' as const,
  ordering_key: key,
  payload: { n: counter, big: 9007199254740993n, ...payload },
  created_at: new Date().toISOString(),
});
const result = (
  d: ClaimedDelivery,
  owner: string,
  outcome: AttemptResult['outcome'],
  next: number | null = null,
): AttemptResult & { event_id: string } => ({
  delivery_id: d.delivery_id,
  event_id: d.event_id,
  owner,
  attempted_at: new Date().toISOString(),
  status_code: outcome === 'delivered' ? 200 : 503,
  latency_ms: 3,
  response_excerpt: outcome === 'delivered' ? 'ok' : 'down',
  error: null,
  outcome,
  next_attempt_at: next,
});

function deliveryContract(name: string, openPair: OpenPair, skip: string | false = false): void {
  describe(`DeliveryOps contract: ${name}`, { skip }, () => {
    const withStores = async (body: (a: Store, b: Store) => Promise<void>) => {
      const { a, b, dispose } = await openPair();
      try {
        await body(a, b);
      } finally {
        await a.close();
        await b.close();
        await dispose();
      }
    };
    /** Fans every pending event out to the webhook destination, due at `now`. */
    const fanOut = async (s: Store, now: number) =>
      s.transaction(async (tx) => {
        const events = await tx.deliveries.takeEventsToDispatch(1000);
        await tx.deliveries.insertDeliveries(
          events.map((e) => ({
            event_id: e.event_id,
            event_seq: e.seq,
            env_id: e.env_id,
            destination: 'webhook',
            ordering_key: e.ordering_key,
            next_attempt_at: now,
          })),
        );
        return events;
      });

    test('fan-out takes each pending event once, oldest first, payload exact', () =>
      withStores(async (a) => {
        const evs = [event('k1'), event('k2'), event('k1')];
        await a.transaction(async (tx) => {
          for (const e of evs) await tx.events.insert(e);
        });
        const taken = await a.transaction((tx) => tx.deliveries.takeEventsToDispatch(2));
        assert.deepEqual(
          taken.map((e) => e.event_id),
          [at(evs, 0).event_id, at(evs, 1).event_id],
        );
        assert.ok(taken.every((e) => e.status === 'delivering'));
        assert.equal(String(at(taken, 0).payload.big), '9007199254740993', 'numbers survive');
        const rest = await a.transaction((tx) => tx.deliveries.takeEventsToDispatch(10));
        assert.deepEqual(
          rest.map((e) => e.event_id),
          [at(evs, 2).event_id],
        );
        assert.deepEqual(await a.transaction((tx) => tx.deliveries.takeEventsToDispatch(10)), []);
      }));

    test('claims go in order per ordering key; leases exclude others until they expire; a stale owner cannot record', () =>
      withStores(async (a) => {
        const now = Date.now();
        const [e1, e2, e3] = [event('job:1'), event('job:1'), event('job:2')];
        await a.transaction(async (tx) => {
          for (const e of [e1, e2, e3]) await tx.events.insert(e);
        });
        await fanOut(a, now);
        const first = await a.transaction((tx) => tx.deliveries.claimDue('A', now, now + 1000, 10));
        assert.deepEqual(first.map((d) => d.event_id).sort(), [e1.event_id, e3.event_id].sort(), 'only the head of each key');
        const c1 = first.find((d) => d.event_id === e1.event_id)!;
        assert.equal(JSON.parse(c1.payload_text).n, e1.payload.n, 'the committed payload text comes along');
        assert.deepEqual(
          await a.transaction((tx) => tx.deliveries.claimDue('B', now + 10, now + 1000, 10)),
          [],
          'leased rows are not claimed again',
        );
        assert.equal(await a.deliveries.nextDueAt(), now + 1000, 'next due: the lease expiry');

        // The lease of A expires: B takes e1 over, and A's late result is ignored.
        const taken = await a.transaction((tx) => tx.deliveries.claimDue('B', now + 1001, now + 5000, 1));
        assert.equal(taken.length, 1);
        const tookE1 =
          at(taken, 0).event_id === e1.event_id
            ? at(taken, 0)
            : at(await a.transaction((tx) => tx.deliveries.claimDue('B', now + 1001, now + 5000, 1)), 0);
        assert.equal(tookE1.event_id, e1.event_id);
        await a.transaction(async (tx) => {
          await tx.deliveries.recordAttempts([result(c1, 'A', 'delivered')]);
          await tx.deliveries.refreshEventStatus([e1.event_id]);
        });
        assert.equal(at(await a.deliveries.listDeliveries(e1.event_id), 0).status, 'pending', 'a stale owner does not settle the delivery');

        // B retries it later, then delivers: e2 becomes claimable only then.
        await a.transaction((tx) => tx.deliveries.recordAttempts([result(tookE1, 'B', 'retry', now + 2000)]));
        assert.deepEqual(
          await a
            .transaction((tx) => tx.deliveries.claimDue('B', now + 1500, now + 5000, 10))
            .then((c) => c.filter((d) => d.ordering_key === 'job:1')),
          [],
          'e2 waits behind e1',
        );
        const again = (await a.transaction((tx) => tx.deliveries.claimDue('B', now + 2000, now + 9000, 10))).find(
          (d) => d.event_id === e1.event_id,
        )!;
        assert.equal(again.attempts, 1);
        await a.transaction(async (tx) => {
          await tx.deliveries.recordAttempts([result(again, 'B', 'delivered')]);
          await tx.deliveries.refreshEventStatus([e1.event_id]);
        });
        assert.equal((await a.deliveries.getStoredEvent(ENV, e1.event_id))?.status, 'delivered');
        const attempts = await a.deliveries.listAttempts((await a.deliveries.listDeliveries(e1.event_id)).map((d) => d.delivery_id));
        assert.deepEqual(
          attempts.map((x) => x.outcome),
          ['delivered', 'retry', 'delivered'],
          'every attempt is kept (the stale one too)',
        );
        const next = await a.transaction((tx) => tx.deliveries.claimDue('B', now + 2001, now + 9000, 10));
        assert.deepEqual(
          next.map((d) => d.event_id),
          [e2.event_id],
        );

        // Failed and gone settle the event as failed; redeliver makes it pending and due again.
        await a.transaction(async (tx) => {
          await tx.deliveries.recordAttempts([result(at(next, 0), 'B', 'gone')]);
          await tx.deliveries.refreshEventStatus([e2.event_id]);
        });
        assert.equal((await a.deliveries.getStoredEvent(ENV, e2.event_id))?.status, 'failed');
        await a.transaction((tx) => tx.deliveries.redeliver(e2.event_id, ['webhook'], now + 3000));
        assert.equal((await a.deliveries.getStoredEvent(ENV, e2.event_id))?.status, 'delivering');
        const re = await a.transaction((tx) => tx.deliveries.claimDue('C', now + 3000, now + 9000, 10));
        assert.ok(re.some((d) => d.event_id === e2.event_id));
      }));

    test('two claimers racing never claim the same delivery', () =>
      withStores(async (a, b) => {
        const now = Date.now();
        const N = 300;
        await a.transaction(async (tx) => {
          for (let i = 0; i < N; i++) await tx.events.insert(event(`race:${i}`));
        });
        await fanOut(a, now);
        const claimedBy = new Map<number, string>();
        const deadline = Date.now() + 30_000;
        const claimer = async (s: Store, owner: string) => {
          // A claimer that loses a race gets nothing this time (or, on SQLite, a busy database): it
          // tries again until everything is claimed.
          while (claimedBy.size < N && Date.now() < deadline) {
            const got = await s
              .transaction((tx) => tx.deliveries.claimDue(owner, now, now + 60_000, 7))
              .catch((e: Error) => {
                if (/database is locked/.test(e.message)) return [];
                throw e;
              });
            for (const d of got) {
              assert.equal(
                claimedBy.get(d.delivery_id),
                undefined,
                `delivery ${d.delivery_id} claimed by ${claimedBy.get(d.delivery_id)} and ${owner}`,
              );
              claimedBy.set(d.delivery_id, owner);
            }
            await new Promise((r) => setImmediate(r));
          }
        };
        await Promise.all([claimer(a, 'A'), claimer(b, 'B'), claimer(a, 'A2'), claimer(b, 'B2')]);
        assert.equal(claimedBy.size, N, 'every delivery claimed exactly once');
        assert.ok(new Set(claimedBy.values()).size >= 2, 'both sides took part');
      }));
  });
}

const tempDirs: string[] = [];
after(async () => {
  await Promise.all(tempDirs.map((d) => fs.rm(d, { recursive: true, force: true })));
});

deliveryContract('sqlite', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sinew-delivery-'));
  tempDirs.push(dir);
  const a = await openSqliteStore(path.join(dir, 'sinew.db'));
  await a.migrate();
  const b = await openSqliteStore(path.join(dir, 'sinew.db'));
  return { a, b, dispose: () => fs.rm(dir, { recursive: true, force: true }) };
});

deliveryContract(
  'postgres',
  async () => {
    const pg = await createPostgresSchema();
    const a = await openPostgresStore({ url: pg.url, schema: pg.schema, poolSize: 4 });
    await a.migrate();
    const b = await openPostgresStore({ url: pg.url, schema: pg.schema, poolSize: 4 });
    return { a, b, dispose: pg.drop };
  },
  await postgresSkipReason(),
);

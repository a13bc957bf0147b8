import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isLosslessNumber, LosslessNumber } from 'lossless-json';
import { isSinewError } from '../../src/errors/sinew-error.js';
import { JOB_STATUS_WRITER } from '../../src/store/job-status-writer.js';
import type { Store } from '../../src/store/store.js';
import { forEachStoreAdapter, type OpenFresh, withFreshStore } from '../support/store-adapters.js';
import * as fx from './store-fixtures.js';

const A = 'a.sinew.local';
const B = 'b.sinew.local';

const sinewCode = (code: string) => (e: unknown) => isSinewError(e) && e.code === code;
const ids = (jobs: { job_id: string }[]) => jobs.map((j) => j.job_id);
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The one contract every Store adapter must satisfy. */
function storeContract(name: string, openFresh: OpenFresh, skip: string | false = false): void {
  describe(`store contract: ${name}`, { skip }, () => {
    /** Runs body with a migrated store (or an unmigrated one), always disposing of it. */
    const withStore = (body: (s: Store) => Promise<void>, migrated = true) => withFreshStore(openFresh, body, { migrated });

    test('isMigrated is false before migrate and true after; migrate is idempotent', () =>
      withStore(async (s) => {
        assert.equal(await s.isMigrated(), false);
        await s.migrate();
        assert.equal(await s.isMigrated(), true);
        await s.migrate();
        assert.equal(await s.isMigrated(), true);
        await s.environments.put(fx.environment());
        assert.equal((await s.environments.list()).length, 1);
      }, false));

    test('environments and API keys round-trip and upsert', () =>
      withStore(async (s) => {
        assert.equal(await s.environments.get(A), undefined);
        await s.environments.put(fx.environment({ env_id: B }));
        await s.environments.put(fx.environment({ env_id: A }));
        await s.environments.put(fx.environment({ env_id: A, name: 'renamed' }));
        assert.deepEqual(await s.environments.get(A), fx.environment({ env_id: A, name: 'renamed' }));
        assert.deepEqual(
          (await s.environments.list()).map((e) => e.env_id),
          [A, B],
        );

        await s.apiKeys.put(fx.apiKey({ key_hash: 'k2', env_id: A, created_at: '2024-05-02T00:00:00.000Z' }));
        await s.apiKeys.put(fx.apiKey({ key_hash: 'k1', env_id: A, kind: 'public' }));
        await s.apiKeys.put(fx.apiKey({ key_hash: 'k3', env_id: B }));
        assert.deepEqual(await s.apiKeys.get('k1'), fx.apiKey({ key_hash: 'k1', env_id: A, kind: 'public' }));
        assert.equal(await s.apiKeys.get('nope'), undefined);
        assert.deepEqual(
          (await s.apiKeys.list(A)).map((k) => k.key_hash),
          ['k1', 'k2'],
        );
        await s.apiKeys.put(fx.apiKey({ key_hash: 'k1', env_id: A, prefix: 'new' }));
        assert.equal((await s.apiKeys.get('k1'))?.prefix, 'new');
      }));

    test('connector definitions round-trip, upsert and delete per environment', () =>
      withStore(async (s) => {
        const def = fx.connectorDefinition();
        await s.connectors.put(A, def);
        await s.connectors.put(A, fx.connectorDefinition({ id: 'singer:target-bar', kind: 'target' }));
        assert.deepEqual(await s.connectors.get(A, def.id), def);
        assert.equal(await s.connectors.get(B, def.id), undefined);
        await s.connectors.put(A, { ...def, label: 'Foo v2' });
        assert.equal((await s.connectors.get(A, def.id))?.label, 'Foo v2');
        assert.deepEqual(
          (await s.connectors.list(A)).map((d) => d.id),
          ['singer:tap-foo', 'singer:target-bar'],
        );
        assert.equal(await s.connectors.delete(B, def.id), false);
        assert.equal(await s.connectors.delete(A, def.id), true);
        assert.equal(await s.connectors.delete(A, def.id), false);
        assert.deepEqual(
          (await s.connectors.list(A)).map((d) => d.id),
          ['singer:target-bar'],
        );
      }));

    test('flows round-trip with nested JSON, upsert and delete', () =>
      withStore(async (s) => {
        const f = fx.flow({ env_id: A });
        await s.flows.put(f);
        await s.flows.put(fx.flow({ env_id: A, flow_id: 'AAA' }));
        assert.deepEqual(await s.flows.get(A, f.flow_id), f);
        await s.flows.put({ ...f, name: 'renamed', etl: { script: 'export default () => {}' } });
        assert.deepEqual(await s.flows.get(A, f.flow_id), { ...f, name: 'renamed', etl: { script: 'export default () => {}' } });
        assert.deepEqual(
          (await s.flows.list(A)).map((x) => x.flow_id),
          ['AAA', f.flow_id],
        );
        assert.equal(await s.flows.delete(A, f.flow_id), true);
        assert.equal(await s.flows.delete(A, f.flow_id), false);
        assert.equal(await s.flows.get(A, f.flow_id), undefined);
      }));

    test('tenants round-trip; tenants.delete removes its links and nothing else', () =>
      withStore(async (s) => {
        await s.tenants.put(fx.tenant({ env_id: A, tenant: 't1' }));
        await s.tenants.put(fx.tenant({ env_id: A, tenant: 't2' }));
        await s.tenants.put(fx.tenant({ env_id: A, tenant: 't1', config: { changed: [1, 2] } }));
        assert.deepEqual(await s.tenants.get(A, 't1'), fx.tenant({ env_id: A, tenant: 't1', config: { changed: [1, 2] } }));
        assert.deepEqual(
          (await s.tenants.list(A)).map((t) => t.tenant),
          ['t1', 't2'],
        );
        await s.links.put(fx.link({ env_id: A, tenant: 't1' }));
        await s.links.put(fx.link({ env_id: A, tenant: 't1', role: 'target', connector_id: 'csv' }));
        await s.links.put(fx.link({ env_id: A, tenant: 't2' }));
        await s.links.put(fx.link({ env_id: B, tenant: 't1' }));
        await s.jobs.insert(fx.job({ env_id: A, tenant: 't1' }));

        assert.equal(await s.tenants.delete(A, 't1'), true);
        assert.equal(await s.tenants.get(A, 't1'), undefined);
        assert.deepEqual(await s.links.list({ env_id: A, tenant: 't1' }), []);
        assert.equal((await s.links.list({ env_id: A, tenant: 't2' })).length, 1);
        assert.equal((await s.links.list({ env_id: B, tenant: 't1' })).length, 1);
        assert.ok(await s.jobs.get(A, 'tVN_B'), 'jobs stay as history');
        assert.equal(await s.tenants.delete(A, 't1'), false);
        // A tenant that exists only through its links is deleted too.
        await s.links.put(fx.link({ env_id: A, tenant: 'linked-only' }));
        assert.equal(await s.tenants.delete(A, 'linked-only'), true);
        assert.deepEqual(await s.links.list({ env_id: A, tenant: 'linked-only' }), []);
      }));

    test('tenant erasure: active jobs are named; history and record ids go for that tenant only', () =>
      withStore(async (s) => {
        const scope = (env_id: string, tenant: string) => ({ env_id, tenant, flow_id: 'f', stream: 'contacts' });
        await s.jobs.insert(fx.job({ job_id: 'done', env_id: A, tenant: 't1', status: 'JOB_COMPLETED' }));
        await s.jobs.insert(fx.job({ job_id: 'failed', env_id: A, tenant: 't1', status: 'EXPORT_FAILED' }));
        await s.jobs.insert(fx.job({ job_id: 'running', env_id: A, tenant: 't1', status: 'SYNC_STARTED' }));
        await s.jobs.insert(fx.job({ job_id: 'theirs', env_id: A, tenant: 't2', status: 'JOB_COMPLETED' }));
        await s.jobs.insert(fx.job({ job_id: 'elsewhere', env_id: B, tenant: 't1', status: 'JOB_COMPLETED' }));
        for (const [env, tenant] of [
          [A, 't1'],
          [A, 't2'],
          [B, 't1'],
        ] as const) {
          await s.recordIds.upsertMany(scope(env, tenant), [
            { input_id: 'i1', remote_id: 'r1' },
            { input_id: 'i2', remote_id: 'r2' },
          ]);
        }
        assert.deepEqual(await s.tenantErasure.activeJobIds(A, 't1'), ['running']);
        assert.deepEqual(await s.tenantErasure.activeJobIds(A, 't2'), []);

        assert.deepEqual(await s.tenantErasure.eraseHistory(A, 't1'), { jobs: 2, record_ids: 2 });
        assert.equal(await s.jobs.get(A, 'done'), undefined);
        assert.equal(await s.jobs.get(A, 'failed'), undefined);
        assert.ok(await s.jobs.get(A, 'running'), 'a job that has not ended is not erased');
        assert.ok(await s.jobs.get(A, 'theirs'));
        assert.ok(await s.jobs.get(B, 'elsewhere'));
        assert.equal(await s.recordIds.count(scope(A, 't1')), 0);
        assert.equal(await s.recordIds.count(scope(A, 't2')), 2);
        assert.equal(await s.recordIds.count(scope(B, 't1')), 2);
      }));

    test('links round-trip (catalog, big number in state), filter, upsert and delete', () =>
      withStore(async (s) => {
        const l = fx.link({ env_id: A });
        await s.links.put(l);
        await s.links.put(fx.link({ env_id: A, role: 'target', connector_id: 'csv' }));
        await s.links.put(fx.link({ env_id: A, flow_id: 'other', tenant: 't9', role: 'connector', connector_id: 'api' }));
        const got = await s.links.get(l);
        assert.deepEqual(got, l);
        const lastId = (got!.state as { bookmarks: { contacts: { last_id: unknown } } }).bookmarks.contacts.last_id;
        assert.ok(isLosslessNumber(lastId) && lastId.toString() === fx.BIG_ID);

        assert.equal((await s.links.list({ env_id: A })).length, 3);
        assert.equal((await s.links.list({ env_id: A, flow_id: l.flow_id })).length, 2);
        assert.equal((await s.links.list({ env_id: A, tenant: 't9' })).length, 1);
        assert.deepEqual(
          (await s.links.list({ env_id: A, role: 'target' })).map((x) => x.connector_id),
          ['csv'],
        );
        assert.deepEqual(
          (await s.links.list({ env_id: A, connector_id: 'api' })).map((x) => x.role),
          ['connector'],
        );
        assert.deepEqual(await s.links.list({ env_id: B }), []);

        const updated = { ...l, state: { bookmarks: { contacts: { last_id: 7 } } }, updated_at: '2024-06-01T00:00:00.000Z' };
        await s.links.put(updated);
        assert.deepEqual(await s.links.get(l), updated);
        assert.equal(await s.links.get({ ...l, connector_id: 'nope' }), undefined);
        assert.equal(await s.links.delete(l), true);
        assert.equal(await s.links.delete(l), false);
        assert.equal(await s.links.get(l), undefined);
      }));

    test('jobs round-trip exactly, including a big number in state; duplicates and unknown status writes fail', () =>
      withStore(async (s) => {
        const j = fx.job({ env_id: A });
        await s.jobs.insert(j);
        const got = await s.jobs.get(A, j.job_id);
        assert.deepEqual(got, j);
        const bookmark = (got!.state as { bookmarks: { contacts: Record<string, unknown> } }).bookmarks.contacts;
        assert.deepEqual(bookmark.replication_key_value, new LosslessNumber(fx.BIG_ID));
        assert.equal(bookmark.ratio, 0.1, 'plain numbers come back as numbers');
        assert.equal(await s.jobs.get(B, j.job_id), undefined);

        await assert.rejects(s.jobs.insert(j), sinewCode('CONFLICT'));
        const moved = { ...j, status: 'SYNC_STARTED' as const, status_timestamp: { ...j.status_timestamp, SYNC_STARTED: 1 } };
        await s[JOB_STATUS_WRITER].write(moved);
        assert.deepEqual(await s.jobs.get(A, j.job_id), moved);
        assert.deepEqual(ids(await s.jobs.list({ env_id: A, status: ['SYNC_STARTED'], limit: 10 })), [j.job_id]);
        await assert.rejects(s[JOB_STATUS_WRITER].write({ ...j, job_id: 'missing' }), sinewCode('NOT_FOUND'));
        await assert.rejects(s[JOB_STATUS_WRITER].write({ ...j, env_id: B }), sinewCode('NOT_FOUND'));
      }));

    test('jobs.list: newest first, filters, keyset paging by before_job_id', () =>
      withStore(async (s) => {
        // Inserted within the same millisecond or so: order must come from the sequence, not time.
        const specs = [
          { job_id: 'j1', tenant: 't1', flow_id: 'f1', status: 'JOB_COMPLETED' as const },
          { job_id: 'j2', tenant: 't2', flow_id: 'f1', status: 'SYNC_FAILED' as const },
          { job_id: 'j3', tenant: 't1', flow_id: 'f2', status: 'JOB_CREATED' as const },
          { job_id: 'j4', tenant: 't1', flow_id: 'f1', status: 'JOB_COMPLETED' as const },
          { job_id: 'j5', tenant: 't1', flow_id: 'f1', status: 'SYNC_STARTED' as const },
        ];
        for (const spec of specs) await s.jobs.insert(fx.job({ env_id: A, ...spec }));
        await s.jobs.insert(fx.job({ env_id: B, job_id: 'b1', tenant: 't1', flow_id: 'f1' }));

        assert.deepEqual(ids(await s.jobs.list({ env_id: A, limit: 10 })), ['j5', 'j4', 'j3', 'j2', 'j1']);
        assert.deepEqual(ids(await s.jobs.list({ env_id: A, flow_id: 'f1', limit: 10 })), ['j5', 'j4', 'j2', 'j1']);
        assert.deepEqual(ids(await s.jobs.list({ env_id: A, flow_id: 'f1', tenant: 't1', limit: 10 })), ['j5', 'j4', 'j1']);
        assert.deepEqual(ids(await s.jobs.list({ env_id: A, status: ['JOB_COMPLETED', 'SYNC_FAILED'], limit: 10 })), ['j4', 'j2', 'j1']);
        assert.deepEqual(await s.jobs.list({ env_id: A, status: [], limit: 10 }), []);

        const pages: string[][] = [];
        let before: string | undefined;
        for (;;) {
          const page = ids(await s.jobs.list({ env_id: A, limit: 2, ...(before ? { before_job_id: before } : {}) }));
          if (page.length === 0) break;
          pages.push(page);
          before = page[page.length - 1];
        }
        assert.deepEqual(pages, [['j5', 'j4'], ['j3', 'j2'], ['j1']]);
        assert.deepEqual(ids(await s.jobs.list({ env_id: A, tenant: 't1', before_job_id: 'j4', limit: 10 })), ['j3', 'j1']);
        // A cursor from another environment or an unknown job gives an empty page, never a leak.
        assert.deepEqual(await s.jobs.list({ env_id: A, before_job_id: 'b1', limit: 10 }), []);
        assert.deepEqual(await s.jobs.list({ env_id: A, before_job_id: 'nope', limit: 10 }), []);
        assert.deepEqual(ids(await s.jobs.list({ env_id: B, limit: 10 })), ['b1']);
      }));

    test('jobs.getByRoot, jobs.listActiveForLink and jobs.listByStatus', () =>
      withStore(async (s) => {
        const key = fx.linkKey({ env_id: A });
        await s.jobs.insert(fx.job({ env_id: A, job_id: 'done', status: 'JOB_COMPLETED' }));
        await s.jobs.insert(fx.job({ env_id: A, job_id: 'run1', status: 'SYNC_STARTED' }));
        await s.jobs.insert(fx.job({ env_id: A, job_id: 'other-link', status: 'JOB_CREATED', link_connector: 'csv' }));
        await s.jobs.insert(fx.job({ env_id: A, job_id: 'other-tenant', status: 'JOB_CREATED', tenant: 't2' }));
        await s.jobs.insert(fx.job({ env_id: B, job_id: 'other-env', status: 'JOB_CREATED' }));
        await s.jobs.insert(fx.job({ env_id: A, job_id: 'queued', status: 'JOB_CREATED' }));
        await s.jobs.insert(fx.job({ env_id: A, job_id: 'cancelled', status: 'JOB_CANCELLED' }));

        const run1 = await s.jobs.get(A, 'run1');
        assert.ok(run1);
        assert.deepEqual(await s.jobs.getByRoot(A, run1.s3_root), run1);
        assert.equal(await s.jobs.getByRoot(B, run1.s3_root), undefined);
        assert.equal(await s.jobs.getByRoot(A, 'no/such/root'), undefined);

        assert.deepEqual(ids(await s.jobs.listActiveForLink(key)), ['run1', 'queued']);
        assert.deepEqual(ids(await s.jobs.listActiveForLink({ ...key, role: 'target' })), []);

        assert.deepEqual(ids(await s.jobs.listByStatus(['JOB_CREATED', 'SYNC_STARTED'], 10)), [
          'run1',
          'other-link',
          'other-tenant',
          'other-env',
          'queued',
        ]);
        assert.deepEqual(ids(await s.jobs.listByStatus(['JOB_CREATED'], 2)), ['other-link', 'other-tenant']);
        assert.deepEqual(await s.jobs.listByStatus([], 10), []);
      }));

    test('events: insertion order, nested payload, duplicates rejected, per environment', () =>
      withStore(async (s) => {
        const e1 = fx.event({ env_id: A, event_id: 'e1' });
        const e2 = fx.event({ env_id: A, event_id: 'e2', kind: 'connection', payload: { big: new LosslessNumber(fx.BIG_ID) } });
        await s.events.insert(e1);
        await s.events.insert(fx.event({ env_id: B, event_id: 'eb' }));
        await s.events.insert(e2);
        assert.deepEqual(await s.events.list(A, 10), [e1, e2]);
        assert.deepEqual(await s.events.list(A, 1), [e1]);
        assert.deepEqual(
          (await s.events.list(B, 10)).map((e) => e.event_id),
          ['eb'],
        );
        await assert.rejects(s.events.insert(e1), sinewCode('CONFLICT'));
      }));

    test('transaction commits every write made through tx', () =>
      withStore(async (s) => {
        const result = await s.transaction(async (tx) => {
          await tx.jobs.insert(fx.job({ env_id: A }));
          await tx.events.insert(fx.event({ env_id: A }));
          assert.ok(await tx.jobs.get(A, 'tVN_B'), 'tx reads its own writes');
          await tx.tenants.delete(A, 'nobody'); // nested atomic operation runs inside the same transaction
          return 'ok';
        });
        assert.equal(result, 'ok');
        assert.ok(await s.jobs.get(A, 'tVN_B'));
        assert.equal((await s.events.list(A, 10)).length, 1);
      }));

    test('an error inside transaction(fn) rolls everything back and reaches the caller', () =>
      withStore(async (s) => {
        await s.tenants.put(fx.tenant({ env_id: A }));
        await s.links.put(fx.link({ env_id: A }));
        const boom = new Error('boom');
        await assert.rejects(
          s.transaction(async (tx) => {
            await tx.jobs.insert(fx.job({ env_id: A }));
            await tx.events.insert(fx.event({ env_id: A }));
            await tx.flows.put(fx.flow({ env_id: A }));
            await tx.tenants.delete(A, fx.tenant().tenant);
            throw boom;
          }),
          (e) => e === boom,
        );
        assert.equal(await s.jobs.get(A, 'tVN_B'), undefined);
        assert.deepEqual(await s.events.list(A, 10), []);
        assert.deepEqual(await s.flows.list(A), []);
        assert.ok(await s.tenants.get(A, fx.tenant().tenant));
        assert.equal((await s.links.list({ env_id: A })).length, 1);
      }));

    test('concurrent transactions all complete and none loses a write', () =>
      withStore(async (s) => {
        const runs = Array.from({ length: 8 }, (_, i) =>
          s.transaction(async (tx) => {
            await tx.jobs.insert(fx.job({ env_id: A, job_id: `c${i}` }));
            await delay(5); // yield while holding the transaction
            await tx.events.insert(fx.event({ env_id: A, event_id: `ev${i}` }));
            return i;
          }),
        );
        // One of them fails: its writes must vanish without disturbing the others.
        const failing = s.transaction(async (tx) => {
          await tx.jobs.insert(fx.job({ env_id: A, job_id: 'doomed' }));
          await delay(5);
          throw new Error('doomed');
        });
        const [done, failed] = await Promise.all([
          Promise.all(runs),
          failing.then(
            () => 'ok',
            () => 'failed',
          ),
        ]);
        assert.deepEqual(done, [0, 1, 2, 3, 4, 5, 6, 7]);
        assert.equal(failed, 'failed');
        assert.equal((await s.jobs.list({ env_id: A, limit: 100 })).length, 8);
        assert.equal((await s.events.list(A, 100)).length, 8);
        assert.equal(await s.jobs.get(A, 'doomed'), undefined);
      }));

    test('calling the store itself inside transaction(fn) fails fast instead of hanging', () =>
      withStore(async (s) => {
        await assert.rejects(
          s.transaction(async () => {
            await s.jobs.get(A, 'x');
          }),
          sinewCode('INTERNAL'),
        );
        await assert.rejects(
          s.transaction(() => s.transaction(async () => 1)),
          sinewCode('INTERNAL'),
        );
        // Once the transaction is over, work it started in the background may use the store again.
        let later: Promise<unknown> | undefined;
        let over!: () => void;
        const transactionOver = new Promise<void>((resolve) => (over = resolve));
        await s.transaction(async () => {
          later = transactionOver.then(() => s.flows.list(A));
        });
        over();
        assert.deepEqual(await later, []);
      }));

    test('environments are isolated: the same ids in env B never show in env A', () =>
      withStore(async (s) => {
        for (const env of [A, B]) {
          await s.flows.put(fx.flow({ env_id: env, name: env }));
          await s.tenants.put(fx.tenant({ env_id: env }));
          await s.links.put(fx.link({ env_id: env, config_encrypted: env }));
          await s.connectors.put(env, fx.connectorDefinition({ label: env }));
          await s.jobs.insert(fx.job({ env_id: env, job_id: `job-${env}` }));
          await s.events.insert(fx.event({ env_id: env, event_id: `evt-${env}` }));
          await s.apiKeys.put(fx.apiKey({ env_id: env, key_hash: `key-${env}` }));
        }
        assert.deepEqual(
          (await s.flows.list(A)).map((f) => f.name),
          [A],
        );
        assert.deepEqual(
          (await s.tenants.list(A)).map((t) => t.env_id),
          [A],
        );
        assert.deepEqual(
          (await s.links.list({ env_id: A })).map((l) => l.config_encrypted),
          [A],
        );
        assert.deepEqual(
          (await s.connectors.list(A)).map((d) => d.label),
          [A],
        );
        assert.deepEqual(ids(await s.jobs.list({ env_id: A, limit: 10 })), [`job-${A}`]);
        assert.deepEqual(
          (await s.events.list(A, 10)).map((e) => e.event_id),
          [`evt-${A}`],
        );
        assert.deepEqual(
          (await s.apiKeys.list(A)).map((k) => k.key_hash),
          [`key-${A}`],
        );
        assert.equal(await s.jobs.get(A, `job-${B}`), undefined);
        assert.equal((await s.flows.get(B, fx.flow().flow_id))?.name, B);
        assert.equal(await s.flows.delete(A, fx.flow().flow_id), true);
        assert.equal((await s.flows.get(B, fx.flow().flow_id))?.name, B);
      }));
  });
}

await forEachStoreAdapter(storeContract);

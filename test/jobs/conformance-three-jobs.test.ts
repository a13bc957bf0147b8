import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LosslessNumber, parse, stringify } from 'lossless-json';
import { type Harness, startHarness } from '../support/sinew-harness.js';

const TAP = fileURLToPath(new URL('../fixtures/conformance/tap-db.mjs', import.meta.url));
const TARGET = fileURLToPath(new URL('../fixtures/conformance/target-db.mjs', import.meta.url));
const n = (text: string) => new LosslessNumber(text);

type Row = Record<string, unknown>;
interface Db {
  name: string;
  tables: Record<string, { key: string[]; columns: Record<string, string>; rows: Row[] }>;
}

/** Three states of the source database, each job runs after the next one is written; `deleteInRound3` drops order 2 then. */
function rounds(deleteInRound3 = false): Db[] {
  const columns = { id: 'bigint', amount: 'numeric', secret: 'text', updated_at: 'timestamp' };
  const order = (id: string, amount: string, at: string): Row => ({ id: n(id), amount: n(amount), secret: `s-${id}`, updated_at: at });
  const r1: Row[] = [
    order('9007199254740993', '12345678901234567890123456789012345678', '2026-01-01T00:00:00Z'),
    order('2', '1.50', '2026-01-02T00:00:00Z'),
  ];
  const r2: Row[] = [
    r1[0]!,
    order('2', '2.75', '2026-02-01T00:00:00Z'),
    order('3', '99999999999999999999.000000000000000001', '2026-02-02T00:00:00Z'),
  ];
  const r3: Row[] = [
    ...r2.filter((row) => !deleteInRound3 || String(row.id) !== '2'),
    order('9007199254740995', '0.1', '2026-03-01T00:00:00Z'),
  ];
  const customers = (k: number): Row[] =>
    Array.from({ length: k }, (_, i) => ({ id: n(String(i + 1)), amount: n('0'), secret: 'c', updated_at: `2026-0${k}-01T00:00:00Z` }));
  return [r1, r2, r3].map((orders, i) => ({
    name: 'shop',
    tables: { orders: { key: ['id'], columns, rows: orders }, customers: { key: ['id'], columns, rows: customers(i + 1) } },
  }));
}

/** What the destination must hold for `orders` after a round: every row, keyed by id, `secret` left out. */
function expectedOrders(db: Db, keep: (field: string) => boolean): string {
  const rows: Record<string, Row> = {};
  for (const row of db.tables.orders!.rows) rows[String(row.id)] = Object.fromEntries(Object.entries(row).filter(([k]) => keep(k)));
  return canonical(rows);
}

/** Rows as lossless text with sorted keys, so two sets compare exactly (numbers as written). */
function canonical(rows: Record<string, Row>): string {
  const sorted = Object.fromEntries(
    Object.keys(rows)
      .sort()
      .map((k) => [k, Object.fromEntries(Object.entries(rows[k]!).sort(([a], [b]) => a.localeCompare(b)))]),
  );
  return stringify(sorted)!;
}

interface Scenario {
  name: string;
  flavor: 'postgres' | 'sdk' | 'nodiscover';
  registration: Record<string, unknown>;
  fieldMap?: Record<string, unknown>;
  selectedTables?: string[];
  keep: (field: string) => boolean;
  /** The key the stored field map must have after the first job (the canonical form). */
  storedKey?: string;
  /**
   * The `orders` records the tap sends in each round: an incremental tap resumes from the bookmark
   * the previous job committed (with `>=`, so the last row comes again); a FULL_TABLE tap sends all.
   */
  synced: [number, number, number];
  /** The source loses a row before the third job (seen only by a FULL_TABLE sync, through ACTIVATE_VERSION). */
  deleteInRound3?: boolean;
}

const withoutSecret = (f: string) => f !== 'secret';
const SCENARIOS: Scenario[] = [
  {
    name: 'tap-postgres-like, map keyed by tap_stream_id',
    flavor: 'postgres',
    registration: { catalog_flag: '--properties', capabilities: { discover: true } },
    fieldMap: { 'shop-public-orders': { fields: { secret: false }, replication_key: 'updated_at', replication_method: 'INCREMENTAL' } },
    keep: withoutSecret,
    storedKey: 'shop-public-orders',
    synced: [2, 2, 2],
  },
  {
    name: 'tap-postgres-like, map keyed by stream name',
    flavor: 'postgres',
    registration: { catalog_flag: '--properties', capabilities: { discover: true } },
    fieldMap: { orders: { fields: { secret: false }, replication_key: 'updated_at', replication_method: 'INCREMENTAL' } },
    keep: withoutSecret,
    storedKey: 'shop-public-orders',
    synced: [2, 2, 2],
  },
  {
    name: 'tap-postgres-like FULL_TABLE: ACTIVATE_VERSION removes the row the source deleted',
    flavor: 'postgres',
    registration: { catalog_flag: '--properties', capabilities: { discover: true } },
    fieldMap: { orders: { fields: { secret: false }, replication_method: 'FULL_TABLE' } },
    keep: withoutSecret,
    storedKey: 'shop-public-orders',
    synced: [2, 3, 3],
    deleteInRound3: true,
  },
  {
    name: 'SDK-like tap (--catalog), fields kept by list',
    flavor: 'sdk',
    registration: { catalog_flag: '--catalog', capabilities: { discover: true } },
    fieldMap: { orders: { fields: { id: true, amount: true, updated_at: true }, replication_key: 'updated_at' } },
    keep: withoutSecret,
    storedKey: 'orders',
    synced: [2, 2, 2],
  },
  {
    name: 'tap without discover or catalog (tap-csv-like), override_selected_tables',
    flavor: 'nodiscover',
    registration: { catalog_flag: 'none', capabilities: { discover: false } },
    fieldMap: { orders: { fields: { secret: false } } },
    selectedTables: ['orders'],
    keep: withoutSecret,
    synced: [2, 2, 2],
  },
];

describe('conformance taps and targets: three consecutive jobs on one link are exact', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.stop());

  for (const [i, sc] of SCENARIOS.entries()) {
    test(sc.name, async () => {
      const dir = await h.tmp('conf');
      const dbPath = path.join(dir, 'db.json');
      const dest = path.join(dir, 'dest');
      const flow = `conf${i}`;
      const tap = `tap-${sc.flavor}-${i}`;
      const reg = await h.api('PUT', `/${h.envId}/connectors/${tap}`, { kind: 'source', command: ['node', TAP], ...sc.registration });
      assert.equal(reg.status, 200, reg.text);
      assert.equal(
        (await h.api('PUT', `/${h.envId}/connectors/target-db-${i}`, { kind: 'target', command: ['node', TARGET] })).status,
        200,
      );
      const flowRes = await h.api('PUT', `/${h.envId}/flows/${flow}`, {
        name: sc.name,
        type: 'v1-source',
        connectors: [tap],
        target: { connector: `target-db-${i}`, config: { dest } },
      });
      assert.equal(flowRes.status, 200, flowRes.text);
      const link = await h.api('POST', `/${h.envId}/${flow}/t1/linkedSources`, {
        source: { tap, config: { db_path: dbPath, flavor: sc.flavor } },
        ...(sc.fieldMap ? { field_map: sc.fieldMap } : {}),
      });
      assert.equal(link.status, 200, link.text);

      const dbs = rounds(sc.deleteInRound3);
      for (const [round, db] of dbs.entries()) {
        await fs.writeFile(dbPath, stringify(db)!);
        const created = await h.api(
          'POST',
          `/${h.envId}/${flow}/t1/jobs`,
          sc.selectedTables ? { override_selected_tables: sc.selectedTables } : {},
        );
        assert.equal(created.status, 200, created.text);
        const job = await h.waitForJob(flow, 't1', created.body.job_id, { timeoutMs: 60_000 });
        assert.equal(job.status, 'JOB_COMPLETED', `round ${round + 1}: ${job.status} ${job.error}`);
        assert.equal(job.sync_type, round === 0 ? 'full_sync' : 'incremental_sync', `round ${round + 1}`);
        const written = parse(await fs.readFile(path.join(dest, 'orders.json'), 'utf8')) as Record<string, Row>;
        assert.equal(canonical(written), expectedOrders(db, sc.keep), `round ${round + 1}: the destination is exact`);
        assert.deepEqual(await fs.readdir(dest), ['orders.json'], `round ${round + 1}: only the selected stream reached the target`);
        // Per stream at each step: what the tap sent is what the ETL kept and the target took.
        assert.deepEqual(job.metrics.records.synced, job.metrics.records.after_etl);
        assert.deepEqual(job.metrics.records.after_etl, job.metrics.records.exported);
        assert.equal(job.metrics.records.synced.orders, sc.synced[round], `round ${round + 1}: the records the tap sent`);
      }
      const stored = await h.api('GET', `/${h.envId}/${flow}/t1/linkedSources`);
      assert.doesNotMatch(stored.text, /isLosslessNumber/, 'the stored catalog keeps numbers as numbers');
      if (sc.flavor === 'postgres') assert.match(stored.text, /"maximum":9223372036854775807\b/);
      if (sc.storedKey) {
        const links = stored.body as Array<{ field_map: Record<string, unknown> }> | { field_map: Record<string, unknown> };
        const fieldMap = Array.isArray(links) ? links[0]!.field_map : links.field_map;
        assert.deepEqual(Object.keys(fieldMap), [sc.storedKey], 'the field map is stored under its canonical key, never pruned');
      }
    });
  }
});

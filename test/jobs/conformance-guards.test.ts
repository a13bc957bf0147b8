import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LosslessNumber, parse, stringify } from 'lossless-json';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { until } from '../support/until.js';

const TAP = fileURLToPath(new URL('../fixtures/conformance/tap-db.mjs', import.meta.url));
const TARGET = fileURLToPath(new URL('../fixtures/conformance/target-db.mjs', import.meta.url));
const n = (text: string) => new LosslessNumber(text);

/** A source with an `orders` table of these (id, updated_at) rows, and a `customers` table of as many when given. */
function db(orders: Array<[string, string]>, customers: Array<[string, string]> = []): string {
  const columns = { id: 'bigint', amount: 'numeric', secret: 'text', updated_at: 'timestamp' };
  const rowsOf = (rows: Array<[string, string]>) => rows.map(([id, at]) => ({ id: n(id), amount: n('1.0'), secret: 's', updated_at: at }));
  const tables: Record<string, unknown> = { orders: { key: ['id'], columns, rows: rowsOf(orders) } };
  if (customers.length > 0) tables.customers = { key: ['id'], columns, rows: rowsOf(customers) };
  return stringify({ name: 'shop', tables })!;
}

describe('guards against silent loss: field-map keys, stale state, bookmarks, broken lines', () => {
  let h: Harness;
  let seq = 0;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.stop());

  /** A flow from a conformance tap of `flavor` to the conformance target; returns its paths. */
  async function setUp(flavor: string, registration: Record<string, unknown>, link: Record<string, unknown> = {}) {
    const i = seq++;
    const dir = await h.tmp('guard');
    const paths = { db: path.join(dir, 'db.json'), dest: path.join(dir, 'dest'), flow: `guard${i}`, tap: `gtap-${i}` };
    await h.api('PUT', `/${h.envId}/connectors/${paths.tap}`, { kind: 'source', command: ['node', TAP], ...registration });
    await h.api('PUT', `/${h.envId}/connectors/gtarget-${i}`, { kind: 'target', command: ['node', TARGET] });
    await h.api('PUT', `/${h.envId}/flows/${paths.flow}`, {
      name: 'g',
      type: 'v1-source',
      connectors: [paths.tap],
      target: { connector: `gtarget-${i}`, config: { dest: paths.dest } },
    });
    const res = await h.api('POST', `/${h.envId}/${paths.flow}/t/linkedSources`, {
      source: { tap: paths.tap, config: { db_path: paths.db, flavor, ...((link.config as object) ?? {}) } },
      ...(link.field_map ? { field_map: link.field_map } : {}),
    });
    assert.equal(res.status, 200, res.text);
    return paths;
  }

  async function runJob(flow: string, body: Record<string, unknown> = {}) {
    const created = await h.api('POST', `/${h.envId}/${flow}/t/jobs`, body);
    assert.equal(created.status, 200, created.text);
    return h.waitForJob(flow, 't', created.body.job_id, { timeoutMs: 60_000 });
  }

  test('a field map keyed by a name the records do not carry fails the job (ETL_FAILED), it does not complete with nothing', async () => {
    const p = await setUp(
      'nodiscover',
      { catalog_flag: 'none', capabilities: { discover: false } },
      { field_map: { 'shop-public-orders': { fields: { secret: false } } } },
    );
    await fs.writeFile(
      p.db,
      db([
        ['1', '2026-01-01T00:00:00Z'],
        ['2', '2026-01-02T00:00:00Z'],
      ]),
    );
    const job = await runJob(p.flow);
    assert.equal(job.status, 'ETL_FAILED', job.error);
    assert.match(job.error, /stream "orders" synced 2 record\(s\) and the field map kept none/);
    assert.match(job.error, /"shop-public-orders" matched no stream/);
    const link = await h.api('GET', `/${h.envId}/${p.flow}/t/linkedSources/state`);
    assert.doesNotMatch(link.text, /2026-01-02/, 'the bookmark did not move past records that were not delivered');
  });

  test('tables of two schemas share a plain name: keyed by it the job fails clearly; keyed by tap_stream_id only that table moves', async () => {
    const columns = { id: 'bigint', amount: 'numeric', secret: 'text', updated_at: 'timestamp' };
    const rows = (ids: string[]) => ids.map((id) => ({ id: n(id), amount: n('1'), secret: 's', updated_at: '2026-01-01T00:00:00Z' }));
    const twoSchemas = stringify({
      name: 'shop',
      tables: {
        orders: { key: ['id'], columns, rows: rows(['1', '2']) },
        'archive.orders': { key: ['id'], columns, rows: rows(['7', '8', '9']) },
      },
    })!;
    const reg = { catalog_flag: '--properties', capabilities: { discover: true } };
    const plain = await setUp('postgres', reg, { field_map: { orders: { fields: { secret: false } } } });
    await fs.writeFile(plain.db, twoSchemas);
    const failed = await runJob(plain.flow);
    assert.equal(failed.status, 'SYNC_FAILED', failed.error);
    assert.match(failed.error, /"orders" names more than one stream of the tap's catalog \(shop-public-orders, shop-archive-orders\)/);

    const exact = await setUp('postgres', reg, { field_map: { 'shop-archive-orders': { fields: { secret: false } } } });
    await fs.writeFile(exact.db, twoSchemas);
    const job = await runJob(exact.flow);
    assert.equal(job.status, 'JOB_COMPLETED', job.error);
    const written = parse(await fs.readFile(path.join(exact.dest, 'orders.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(written).sort(), ['7', '8', '9'], 'the archive table, records named "orders" like the other');
    assert.deepEqual(job.metrics.records.after_etl, { orders: 3 });
  });

  test('a job queued behind another starts from the state that job committed', async () => {
    const p = await setUp(
      'postgres',
      { catalog_flag: '--properties', capabilities: { discover: true } },
      { field_map: { orders: { replication_key: 'updated_at', replication_method: 'INCREMENTAL' } } },
    );
    await fs.writeFile(
      p.db,
      db([
        ['1', '2026-01-01T00:00:00Z'],
        ['2', '2026-01-02T00:00:00Z'],
        ['3', '2026-01-03T00:00:00Z'],
      ]),
    );
    const first = await h.api('POST', `/${h.envId}/${p.flow}/t/jobs`, {});
    const second = await h.api('POST', `/${h.envId}/${p.flow}/t/jobs`, { queue_if_active_job: true });
    assert.equal(second.status, 200, second.text);
    const a = await h.waitForJob(p.flow, 't', first.body.job_id);
    const b = await h.waitForJob(p.flow, 't', second.body.job_id);
    assert.equal(a.status, 'JOB_COMPLETED', a.error);
    assert.equal(b.status, 'JOB_COMPLETED', b.error);
    assert.equal(a.metrics.recordCount.orders, 3);
    assert.equal(b.sync_type, 'incremental_sync');
    // tap-postgres resumes with >= on its bookmark: only the last row comes again.
    assert.equal(b.metrics.recordCount.orders, 1);
  });

  test('a bookmark that would go backwards is not committed, and the job says so', async () => {
    const p = await setUp(
      'postgres',
      { catalog_flag: '--properties', capabilities: { discover: true } },
      { field_map: { orders: { replication_key: 'updated_at', replication_method: 'INCREMENTAL' } } },
    );
    await fs.writeFile(
      p.db,
      db([
        ['1', '2026-01-01T00:00:00Z'],
        ['2', '2026-05-01T00:00:00Z'],
      ]),
    );
    assert.equal((await runJob(p.flow)).status, 'JOB_COMPLETED');
    const before = parse((await h.api('GET', `/${h.envId}/${p.flow}/t/linkedSources/state`)).text) as any;
    // The same link, now with a tap that reports an earlier bookmark than it was given.
    await h.api('POST', `/${h.envId}/${p.flow}/t/linkedSources`, {
      source: { tap: p.tap, config: { db_path: p.db, flavor: 'postgres', regress_bookmark: '2020-01-01T00:00:00Z' } },
    });
    const job = await runJob(p.flow);
    assert.equal(job.status, 'JOB_COMPLETED', job.error);
    assert.match(job.message, /bookmark went backwards for stream\(s\) "shop-public-orders"/);
    const after = parse((await h.api('GET', `/${h.envId}/${p.flow}/t/linkedSources/state`)).text) as any;
    const bookmark = (s: any) => JSON.stringify(s).match(/"replication_key_value":"([^"]+)"/)?.[1];
    assert.equal(bookmark(after), '2026-05-01T00:00:00Z');
    assert.equal(bookmark(after), bookmark(before));
  });

  test('override_selected_tables binds a tap that takes no catalog: the other stream never reaches the target', async () => {
    const p = await setUp('nodiscover', { catalog_flag: 'none', capabilities: { discover: false } });
    await fs.writeFile(p.db, db([['1', '2026-01-01T00:00:00Z']], [['5', '2026-01-01T00:00:00Z']]));
    const job = await runJob(p.flow, { override_selected_tables: ['orders'] });
    assert.equal(job.status, 'JOB_COMPLETED', job.error);
    assert.deepEqual(await fs.readdir(p.dest), ['orders.json'], 'customers was not selected');
    assert.deepEqual(job.metrics.records.exported, { orders: 1 });
  });

  /**
   * A flow from a shell-script tap (no discover, no catalog) to the jsonl target (`<dir>/out`), linked
   * for tenant `t`, with `state` on its link when given.
   */
  async function shellTapFlow(name: string, dir: string, script: string, state?: Record<string, unknown>): Promise<string> {
    const file = path.join(dir, 'tap.sh');
    await fs.writeFile(file, script);
    const flow = `sh-${name}`;
    await h.api('PUT', `/${h.envId}/connectors/sh-${name}`, {
      kind: 'source',
      command: ['sh', file],
      catalog_flag: 'none',
      capabilities: { discover: false },
    });
    await h.api('PUT', `/${h.envId}/flows/${flow}`, {
      name,
      type: 'v1-source',
      connectors: [`sh-${name}`],
      target: { connector: 'jsonl', config: { path: path.join(dir, 'out') } },
    });
    await h.api('POST', `/${h.envId}/${flow}/t/linkedSources`, { source: { tap: `sh-${name}`, config: {} } });
    if (state) assert.equal((await h.api('PUT', `/${h.envId}/${flow}/t/linkedSources/state`, state)).status, 200);
    return flow;
  }
  const stateAt = (value: string) => ({ bookmarks: { s: { replication_key: 'at', replication_key_value: value } } });
  const linkState = async (flow: string) => parse((await h.api('GET', `/${h.envId}/${flow}/t/linkedSources/state`)).text);
  const SCHEMA = '{"type":"SCHEMA","stream":"s","schema":{"type":"object","properties":{"id":{"type":"integer"}}},"key_properties":["id"]}';
  const RECORD = '{"type":"RECORD","stream":"s","record":{"id":1}}';

  test('a job whose tap printed no STATE leaves the link with the state it started from', async () => {
    const start = stateAt('2026-01-01T00:00:00Z');
    const flow = await shellTapFlow('nostate', await h.tmp('nostate'), `printf '%s\\n' '${SCHEMA}' '${RECORD}'\n`, start);
    const job = await runJob(flow);
    assert.equal(job.status, 'JOB_COMPLETED', job.error);
    assert.equal(job.sync_type, 'incremental_sync');
    assert.deepEqual(await linkState(flow), start);
  });

  test("a change to the link's state made while its job ran wins over the job's new state, and the job says so", async () => {
    const dir = await h.tmp('midjob');
    // Run by a job (with --state; not by the probes at registration), the tap says it started, then
    // waits for the test's go-ahead before its record and its STATE.
    const script = [
      `case " $* " in *" --state "*) ;; *) exit 0 ;; esac`,
      `printf '%s\\n' '${SCHEMA}'`,
      `: > "${dir}/started"`,
      `while [ ! -e "${dir}/go" ]; do sleep 0.05; done`,
      `printf '%s\\n' '${RECORD}' '${JSON.stringify({ type: 'STATE', value: stateAt('2026-03-03T00:00:00Z') })}'`,
    ].join('\n');
    const flow = await shellTapFlow('midjob', dir, script, stateAt('2026-01-01T00:00:00Z'));
    const created = await h.api('POST', `/${h.envId}/${flow}/t/jobs`, {});
    assert.equal(created.status, 200, created.text);
    await until('the tap started', 60_000, () =>
      fs.access(path.join(dir, 'started')).then(
        () => true,
        () => false,
      ),
    );
    const changed = stateAt('2025-06-01T00:00:00Z');
    assert.equal((await h.api('PUT', `/${h.envId}/${flow}/t/linkedSources/state`, changed)).status, 200);
    await fs.writeFile(path.join(dir, 'go'), '');
    const job = await h.waitForJob(flow, 't', created.body.job_id, { timeoutMs: 60_000 });
    assert.equal(job.status, 'JOB_COMPLETED', job.error);
    assert.match(job.message, /the link's state was changed while the job ran; that change was kept/);
    assert.deepEqual(await linkState(flow), changed);
  });

  test("a link's config keeps its numbers as written: in the API's answers, in storage and in the tap's config", async () => {
    const dir = await h.tmp('confnum');
    const script = [
      `while [ $# -gt 0 ]; do if [ "$1" = --config ]; then cp "$2" "${dir}/config.json"; fi; shift; done`,
      `printf '%s\\n' '${SCHEMA}' '${RECORD}'`,
    ].join('\n');
    const flow = await shellTapFlow('confnum', dir, script);
    const exact = ['"start_id":12345678901234567890123', '"ratio":1.50', '"api_key":98765432109876543210'];
    const link = (config: string) =>
      h.api('POST', `/${h.envId}/${flow}/t/linkedSources`, undefined, { rawBody: `{"source":{"tap":"sh-confnum","config":${config}}}` });
    const posted = await link(`{${exact.join(',')}}`);
    assert.equal(posted.status, 200, posted.text);
    const got = await h.api('GET', `/${h.envId}/${flow}/t/linkedSources`);
    for (const answer of [posted.text, got.text]) {
      assert.ok(answer.includes(`${exact[0]},${exact[1]},"api_key":"********"`), answer);
      assert.doesNotMatch(answer, /isLosslessNumber/);
    }
    // The dashboard's read-edit-save: the redacted config sent back keeps the stored credential.
    const config = got.text.match(/"config":(\{[^}]*\})/)?.[1];
    assert.ok(config, got.text);
    assert.equal((await link(config)).status, 200);
    assert.equal((await runJob(flow)).status, 'JOB_COMPLETED');
    const handed = await fs.readFile(path.join(dir, 'config.json'), 'utf8');
    for (const field of exact) assert.ok(handed.includes(field), `${field} in ${handed}`);
  });

  describe('lines a tap prints', () => {
    async function catJob(name: string, lines: Buffer) {
      const dir = await h.tmp('lines');
      const file = path.join(dir, 'out.singer');
      await fs.writeFile(file, lines);
      return { job: await runJob(await shellTapFlow(`lines-${name}`, dir, `cat "${file}"\n`)), dir };
    }
    const text = (...lines: string[]) => Buffer.from(`${lines.join('\n')}\n`);

    test('a RECORD cut short fails the sync with its line number and stream', async () => {
      const { job } = await catJob(
        'cut',
        text(
          SCHEMA,
          '{"type":"RECORD","stream":"s","record":{"id":1}}',
          '{"type":"RECORD","stream":"s","record":{"id":2,"nested":{"a":1}}',
        ),
      );
      assert.equal(job.status, 'SYNC_FAILED');
      assert.match(job.error, /RECORD line that is not valid JSON .* at line 3 \(stream "s"\)/);
    });

    test('a RECORD that is not JSON at all fails the sync too', async () => {
      const { job } = await catJob('broken', text(SCHEMA, '{"type":"RECORD","stream":"s","record":{"id":1,'));
      assert.equal(job.status, 'SYNC_FAILED');
      assert.match(job.error, /RECORD line that is not valid JSON .* at line 2/);
    });

    test('invalid UTF-8 fails the sync', async () => {
      const bad = Buffer.concat([
        Buffer.from('{"type":"RECORD","stream":"s","record":{"id":1,"name":"'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('"}}\n'),
      ]);
      const { job } = await catJob('utf8', Buffer.concat([text(SCHEMA), bad]));
      assert.equal(job.status, 'SYNC_FAILED');
      assert.match(job.error, /not valid UTF-8 at line 2 \(stream "s"\)/);
    });

    test('log lines on stdout are counted and skipped; the records arrive exactly', async () => {
      const { job, dir } = await catJob(
        'noise',
        text('INFO starting', SCHEMA, 'not json {', '{"type":"RECORD","stream":"s","record":{"id":12345678901234567890}}', '[1,2]'),
      );
      assert.equal(job.status, 'JOB_COMPLETED', job.error);
      assert.equal(job.metrics.invalidLines, 3);
      assert.equal((await fs.readFile(path.join(dir, 'out', 's.jsonl'), 'utf8')).trim(), '{"id":12345678901234567890}');
    });
  });
});

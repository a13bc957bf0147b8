/**
 * What one job costs the store, the queue and storage (issue #19, docs/scale.md), counted on a real
 * run: Sinew in this process (`serve`: API + worker + scheduler) on a fresh PostgreSQL schema with
 * pg-boss, a v1-source flow of the Node test pair (tap-numbers → target-jsonl, 2 × 50 records), a
 * job-lifecycle webhook to a loopback receiver. After a first job (which also runs discover), N jobs
 * run one after another, each until its events are delivered. Counted over those N:
 * - statements sent to PostgreSQL, by kind and table: every pg client query of this process
 *   (Kysely and pg-boss both use node-postgres), BEGIN/COMMIT included;
 * - rows inserted/updated/deleted per table, from pg_stat_user_tables of the two schemas (read after
 *   the server stopped, so every backend has flushed its counters) — this includes the job process;
 * - the objects and bytes the job left in storage (its job root).
 * Usage: node --import tsx bench/job-store-cost.ts [--jobs N (default 20)]
 */
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { applyMigrations } from '../src/app/apply-migrations.js';
import { startSinew } from '../src/app/start-sinew.js';
import { readRuntimeConfig } from '../src/config/runtime-config.js';
import { pgBossSchemaFor } from '../src/queue/pg-boss-setup.js';
import { createPostgresSchema, TEST_DATABASE_URL } from '../test/support/postgres-schema.js';
import { onCleanup, runMain } from './exit-cleanup.js';
import { countStatements, ignoreClient, statementCounts } from './statement-counter.js';
import { makeTempDir } from './temp-dir.js';
import { formatTable } from './text-table.js';

const ENV = 'cost.sinew.local';
const KEY = 'sk_cost_0123456789abcdef0123456789';
const fixture = (name: string) => path.join(import.meta.dirname, '../test/fixtures/singer', name);

async function main(): Promise<void> {
  const i = process.argv.indexOf('--jobs');
  const n = i < 0 ? 20 : Number(process.argv[i + 1]);
  const schema = await createPostgresSchema();
  onCleanup(() => schema.drop());
  const data = await makeTempDir('cost');
  onCleanup(() => data.remove());
  const receiver = http.createServer((req, res) => req.resume().on('end', () => res.end('ok')));
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  onCleanup(() => {
    receiver.close();
  });
  const config = readRuntimeConfig({
    PORT: '0',
    SINEW_DATABASE_URL: schema.url,
    SINEW_DATABASE_SCHEMA: schema.schema,
    SINEW_DATA_DIR: data.path,
    SINEW_ENV_ID: ENV,
    SINEW_API_KEY: KEY,
    SINEW_EXAMPLE: 'false',
    SINEW_LOG_LEVEL: 'warn',
    SINEW_OUTBOUND_ALLOW_LOOPBACK: 'true',
    SINEW_WORKER_CONCURRENCY: '1',
  });
  await applyMigrations(config);
  await fs.mkdir(path.join(data.path, 'out'));
  const sinew = await startSinew(config);
  let stopped = false;
  onCleanup(async () => {
    if (!stopped) await sinew.stop();
  });
  const api = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${sinew.url}${p}`, {
      method,
      headers: { 'x-api-key': KEY, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const parsed = await res.json();
    if (res.status >= 400) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(parsed)}`);
    return parsed as any;
  };
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  await api('PUT', `/${ENV}/settings`, { monitoring: { webhooks: { job_lifecycle: { url: hook } } } });
  await api('PUT', `/${ENV}/connectors/tap-numbers`, { kind: 'source', command: [process.execPath, fixture('tap-numbers.mjs')] });
  await api('PUT', `/${ENV}/connectors/target-jsonl`, { kind: 'target', command: [process.execPath, fixture('target-jsonl.mjs')] });
  await api('PUT', `/${ENV}/flows/cost`, {
    name: 'cost',
    type: 'v1-source',
    connectors: ['tap-numbers'],
    target: { connector: 'target-jsonl', config: { path: path.join(data.path, 'out') } },
  });
  await api('POST', `/${ENV}/cost/acme/linkedSources`, { source: { tap: 'tap-numbers', config: { records: 50 } } });

  // The benchmark waits on the database with its own client, not counted: polling the API would
  // add the polls' statements (key lookup, job read) to the job's.
  const watcher = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${schema.schema}` });
  ignoreClient(watcher);
  await watcher.connect();
  onCleanup(() => watcher.end());
  const runJob = async (): Promise<{ job_id: string; s3_root: string }> => {
    const created = await api('POST', `/${ENV}/cost/acme/jobs`, {});
    for (;;) {
      const { rows } = await watcher.query(
        `select j.status, j.s3_root, (select count(*) from events e where e.ordering_key = $2 and e.status <> 'delivered') as undelivered
           from jobs j where j.job_id = $1`,
        [created.job_id, `job:${created.job_id}`],
      );
      const job = rows[0]!;
      if (job.status === 'JOB_COMPLETED' && Number(job.undelivered) === 0) return { job_id: created.job_id, s3_root: job.s3_root };
      if (job.status.endsWith('FAILED')) throw new Error(`job ${created.job_id} failed`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  await runJob();
  const before = await rowCounts(schema.schema);
  countStatements(true);
  let last = { job_id: '', s3_root: '' };
  for (let k = 0; k < n; k++) last = await runJob();
  countStatements(false);
  stopped = true;
  await sinew.stop();
  // Backends flush their table counters when they end; give the server a moment to have read them.
  await new Promise((r) => setTimeout(r, 1500));
  const after = await rowCounts(schema.schema);
  const files = await filesUnder(path.join(data.path, 'storage', ENV, last.s3_root));
  print(n, statementCounts(), before, after, files);
}

type Counts = Map<string, { ins: number; upd: number; del: number }>;

async function rowCounts(schema: string): Promise<Counts> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query(
      'select schemaname, relname, n_tup_ins, n_tup_upd, n_tup_del from pg_stat_user_tables where schemaname in ($1, $2)',
      [schema, pgBossSchemaFor(schema)],
    );
    const out: Counts = new Map();
    for (const r of rows) {
      const name = r.schemaname === schema ? r.relname : `pgboss.${r.relname}`;
      out.set(name, { ins: Number(r.n_tup_ins), upd: Number(r.n_tup_upd), del: Number(r.n_tup_del) });
    }
    return out;
  } finally {
    await client.end();
  }
}

async function filesUnder(dir: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    files++;
    bytes += (await fs.stat(path.join(entry.parentPath, entry.name))).size;
  }
  return { files, bytes };
}

function print(n: number, statements: Map<string, number>, before: Counts, after: Counts, files: { files: number; bytes: number }): void {
  const per = (v: number) => (v / n).toFixed(1);
  const out = process.stdout;
  out.write(`\n## One job's cost (PostgreSQL + pg-boss, webhook subscribed), mean of ${n} jobs\n\n`);
  const sorted = [...statements].sort((a, b) => b[1] - a[1]);
  const total = sorted.reduce((s, [, v]) => s + v, 0);
  out.write(
    `${formatTable(['statement (this process)', 'per job'], [...sorted.map(([k, v]) => [k, per(v)]), ['all statements', per(total)]])}\n\n`,
  );
  const rows: (string | number)[][] = [];
  let sum = 0;
  for (const [table, a] of after) {
    const b = before.get(table) ?? { ins: 0, upd: 0, del: 0 };
    const d = { ins: a.ins - b.ins, upd: a.upd - b.upd, del: a.del - b.del };
    if (d.ins + d.upd + d.del === 0) continue;
    sum += d.ins + d.upd + d.del;
    rows.push([table, per(d.ins), per(d.upd), per(d.del)]);
  }
  rows.push(['all tables', '', '', per(sum)]);
  out.write(`${formatTable(['table', 'rows inserted', 'updated', 'deleted'], rows)}\n\n`);
  out.write(`storage: the last job's root holds ${files.files} objects, ${(files.bytes / 1024).toFixed(1)} KiB\n`);
}

runMain(main);

/**
 * The record-id map at scale: N ids (default 2,000,000) for one tenant/stream in a SQLite store,
 * written through `recordIds.upsertMany` in transactions of 5,000 (the insert rate), then 1,000
 * random ids looked up in one batched `lookup` call, repeated (cold-ish first, then warm; the
 * median is the figure), then 1,000 random existing ids upserted again (the update rate).
 * Target (issue 5): "lookups stay fast at millions of ids per tenant".
 * Usage: node --import tsx bench/record-id-lookup.ts [--ids 2000000]
 */
import path from 'node:path';
import type { RecordIdScope, RecordIdWrite } from '../src/store/record-id-ops.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import { runMain } from './exit-cleanup.js';
import { describeMachine } from './machine-load.js';
import { median } from './median.js';
import { makeTempDir } from './temp-dir.js';
import { formatTable, perSecond, seconds } from './text-table.js';

const TRANSACTION_SIZE = 5000;
const LOOKUP_BATCH = 1000;
const LOOKUP_ROUNDS = 20;

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
}

const inputId = (n: number) => `contact-${n}`;
const write = (n: number, jobId: string): RecordIdWrite => ({
  input_id: inputId(n),
  remote_id: String(9_000_000_000 + n),
  custom_data: { job_id: jobId, transaction_id: n },
  record_hash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  job_id: jobId,
});
const randomIds = (total: number, k: number) => Array.from({ length: k }, () => inputId(Math.floor(Math.random() * total)));

async function main(): Promise<void> {
  const total = option('ids', 2_000_000);
  const dir = await makeTempDir('record-ids');
  const store = await openSqliteStore(path.join(dir.path, 'sinew.db'));
  try {
    await store.migrate();
    const scope: RecordIdScope = { env_id: 'bench.sinew.local', tenant: 'tenant-1', flow_id: 'F1', stream: 'contacts' };

    const insertStart = performance.now();
    for (let from = 0; from < total; from += TRANSACTION_SIZE) {
      const batch = Array.from({ length: Math.min(TRANSACTION_SIZE, total - from) }, (_, i) => write(from + i, 'job-1'));
      await store.transaction((tx) => tx.recordIds.upsertMany(scope, batch));
    }
    const insertSeconds = (performance.now() - insertStart) / 1000;
    if ((await store.recordIds.count(scope)) !== total) throw new Error('count mismatch after insert');

    const lookupMs: number[] = [];
    for (let round = 0; round < LOOKUP_ROUNDS; round++) {
      const ids = randomIds(total, LOOKUP_BATCH);
      const t = performance.now();
      const found = await store.recordIds.lookup(scope, ids);
      lookupMs.push(performance.now() - t);
      if (found.size !== new Set(ids).size) throw new Error('lookup missed ids');
    }

    const updates = randomIds(total, LOOKUP_BATCH).map((id) => write(Number(id.slice('contact-'.length)), 'job-2'));
    const updateStart = performance.now();
    await store.transaction((tx) => tx.recordIds.upsertMany(scope, updates));
    const updateSeconds = (performance.now() - updateStart) / 1000;

    console.log(`record-id map, SQLite, ${total.toLocaleString('en-US')} ids in one tenant/stream; ${describeMachine()}`);
    console.log(
      formatTable(
        ['figure', 'measured'],
        [
          ['insert (upsertMany, 5,000 per transaction)', `${perSecond(total, insertSeconds)} ids/s (${seconds(insertSeconds)} s)`],
          [`lookup of ${LOOKUP_BATCH} random ids, median of ${LOOKUP_ROUNDS}`, `${median(lookupMs).toFixed(1)} ms`],
          ['lookup, first / slowest round', `${(lookupMs[0] ?? Number.NaN).toFixed(1)} / ${Math.max(...lookupMs).toFixed(1)} ms`],
          [`update of ${LOOKUP_BATCH} random existing ids (one transaction)`, `${perSecond(updates.length, updateSeconds)} ids/s`],
        ],
      ),
    );
  } finally {
    await store.close();
    await dir.remove();
  }
}

runMain(main);

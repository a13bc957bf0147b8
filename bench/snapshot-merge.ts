/**
 * Snapshot merge: N incoming records (half updates of existing keys, half new) merged by primary key
 * into an N-record snapshot, the way an ETL script's `snapshotRecords(records, name, pk)` does.
 * The merge runs in its own process, so its peak RSS (VmHWM, from process.resourceUsage) is the
 * merge's alone; the incoming records are generated as a stream, never held as an array.
 * Target: 1M into 1M with memory bounded ("well under ~300 MB" RSS).
 * Usage: node --import tsx bench/snapshot-merge.ts [--records 1000000]
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mergeIntoSnapshotFile } from '../src/snapshots/snapshot-merge.js';
import { runMain, trackProcessGroup } from './exit-cleanup.js';
import { describeMachine } from './machine-load.js';
import { makeTempDir } from './temp-dir.js';
import { formatTable, perSecond, seconds } from './text-table.js';

const LIMIT_MB = 300;

function record(id: number, version: string): Record<string, unknown> {
  return { id, name: `customer ${id}`, email: `c${id}@example.com`, balance: id * 3 + 0.25, version, updated_at: '2024-05-01T12:00:00Z' };
}

async function writeBase(file: string, n: number): Promise<void> {
  const out = createWriteStream(file);
  let text = '';
  for (let id = 0; id < n; id++) {
    text += `${JSON.stringify(record(id, 'v1'))}\n`;
    if (text.length > 1 << 20) {
      if (!out.write(text)) await new Promise<void>((r) => out.once('drain', () => r()));
      text = '';
    }
  }
  await new Promise<void>((r) => out.end(text, () => r()));
}

/** The child: merges N records (ids N/2 … 3N/2 - 1) into the snapshot and reports time and peak RSS. */
async function child(file: string, n: number): Promise<void> {
  async function* incoming(): AsyncGenerator<Record<string, unknown>> {
    for (let id = Math.floor(n / 2); id < Math.floor(n / 2) + n; id++) yield record(id, 'v2');
  }
  const started = process.hrtime.bigint();
  const result = await mergeIntoSnapshotFile(file, incoming(), 'id');
  const secondsTaken = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(`${JSON.stringify({ result, seconds: secondsTaken, maxRssKiB: process.resourceUsage().maxRSS })}\n`);
}

async function runChild(
  file: string,
  n: number,
): Promise<{ result: { records: number; inserted: number; updated: number }; seconds: number; maxRssKiB: number }> {
  const script = fileURLToPath(import.meta.url);
  const proc = spawn(process.execPath, ['--import', 'tsx', script, '--child', file, String(n)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  const release = trackProcessGroup(proc.pid!);
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((r) => proc.once('exit', (c) => r(c)));
  release();
  if (code !== 0) throw new Error(`the merge process exited with ${code}`);
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') return child(argv[1]!, Number(argv[2]));
  const at = argv.indexOf('--records');
  const n = at === -1 ? 1_000_000 : Number(argv[at + 1]);
  const work = await makeTempDir('snapshot-merge');
  try {
    const file = path.join(work.path, 'customers.jsonl');
    await writeBase(file, n);
    const before = (await fs.stat(file)).size;
    process.stdout.write(`  base snapshot: ${n.toLocaleString('en-US')} records, ${(before / 1e6).toFixed(0)} MB\n`);
    const run = await runChild(file, n);
    const after = (await fs.stat(file)).size;
    const expected = { records: n + n - Math.floor(n / 2), inserted: n - Math.floor(n / 2), updated: Math.floor(n / 2) };
    if (JSON.stringify(run.result) !== JSON.stringify(expected))
      throw new Error(`merge result ${JSON.stringify(run.result)}, expected ${JSON.stringify(expected)}`);
    const rssMB = (run.maxRssKiB * 1024) / 1e6;
    process.stdout.write(
      `\n## Snapshot merge: ${n.toLocaleString('en-US')} records into a ${n.toLocaleString('en-US')}-record snapshot (half updates, half new)\n`,
    );
    process.stdout.write(`# ${describeMachine()}\n`);
    process.stdout.write(
      `${formatTable(
        ['records in', 'snapshot after', 'seconds', 'records/s', 'peak RSS (MB)', `target < ${LIMIT_MB} MB`],
        [
          [
            n.toLocaleString('en-US'),
            `${run.result.records.toLocaleString('en-US')} (${(after / 1e6).toFixed(0)} MB)`,
            seconds(run.seconds),
            perSecond(n, run.seconds),
            rssMB.toFixed(0),
            rssMB < LIMIT_MB ? 'yes' : 'NO',
          ],
        ],
      )}\n`,
    );
  } finally {
    await work.remove();
  }
}

runMain(main);

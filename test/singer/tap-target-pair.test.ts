import assert from 'node:assert/strict';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { applySelection } from '../../src/singer/catalog-selection.js';
import { classifyLine } from '../../src/singer/line-classifier.js';
import { readLines } from '../../src/singer/line-reader.js';
import { stringifyJson } from '../../src/singer/lossless-json.js';
import type { RecordMessage } from '../../src/singer/message.js';
import { SingerWriter } from '../../src/singer/message-writer.js';
import { runDiscover, startSingerProcess, tapArgs, targetArgs } from '../../src/singer/singer-process.js';
import { at } from '../support/elements.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/singer/', import.meta.url));
const PROGRAMS = {
  python: { tap: [join(FIXTURES, 'tap-numbers.py')], target: [join(FIXTURES, 'target-jsonl.py')] },
  node: { tap: [join(FIXTURES, 'tap-numbers.mjs')], target: [join(FIXTURES, 'target-jsonl.mjs')] },
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sinew-singer-pair-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeJson(name: string, value: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, stringifyJson(value));
  return path;
}

interface SyncResult {
  counts: Record<string, number>;
  invalid: string[];
  records: Map<string, string[]>;
  state: string;
}

/** What the job engine does: tap stdout → classified lines → a sync file → target stdin. */
async function runPair(
  tap: string[],
  target: string[],
  tapConfig: object,
  extra: { state?: object; catalog?: object } = {},
): Promise<SyncResult> {
  const outDir = join(dir, 'out');
  await rm(outDir, { recursive: true, force: true });
  await (await import('node:fs/promises')).mkdir(outDir);
  const args = tapArgs({
    configPath: await writeJson('tap.json', tapConfig),
    statePath: extra.state ? await writeJson('state.json', extra.state) : null,
    catalogPath: extra.catalog ? await writeJson('catalog.json', extra.catalog) : null,
  });
  const tapProc = startSingerProcess({ command: tap, args, name: 'tap' });
  const syncFile = join(dir, 'data.singer');
  const writer = new SingerWriter(createWriteStream(syncFile));
  const result: SyncResult = { counts: {}, invalid: [], records: new Map(), state: '' };
  for await (const line of readLines(tapProc.stdout)) {
    const classified = classifyLine(line);
    if (classified.kind === 'invalid') {
      result.invalid.push(line.toString());
      continue;
    }
    result.counts[classified.type] = (result.counts[classified.type] ?? 0) + 1;
    if (classified.type === 'RECORD') {
      // The exact record text as the tap wrote it, to compare with what the target stored.
      const text = line.toString();
      const list = result.records.get(classified.stream!) ?? [];
      list.push(text.slice(text.indexOf('"record":') + 9, text.length - 1));
      result.records.set(classified.stream!, list);
    }
    await writer.writeRaw(classified.raw);
  }
  await writer.end();
  assert.deepEqual(await tapProc.exited, { code: 0, signal: null }, tapProc.stderrTail().join('\n'));

  const targetProc = startSingerProcess({
    command: target,
    args: targetArgs({ configPath: await writeJson('target.json', { path: outDir }) }),
    stdin: 'pipe',
    name: 'target',
  });
  const stdout: Buffer[] = [];
  targetProc.stdout.on('data', (c: Buffer) => stdout.push(c));
  await pipeline(createReadStream(syncFile), targetProc.stdin!);
  assert.deepEqual(await targetProc.exited, { code: 0, signal: null }, targetProc.stderrTail().join('\n'));
  result.state = Buffer.concat(stdout).toString().trim();
  for (const [stream, expected] of result.records) {
    const written = (await readFile(join(outDir, `${stream}.jsonl`), 'utf8')).trimEnd().split('\n');
    assert.deepEqual(written, expected, `${stream}.jsonl holds the record text byte for byte`);
  }
  return result;
}

describe('tap → sync file → target', () => {
  for (const [lang, programs] of Object.entries(PROGRAMS)) {
    test(`${lang}: big numbers survive byte for byte; log lines on stdout are counted, not fatal`, async () => {
      const result = await runPair(programs.tap, programs.target, { records: 12, log_to_stdout: true, state_every: 5 });
      assert.deepEqual(result.counts, { SCHEMA: 2, RECORD: 24, STATE: 5 });
      assert.equal(result.invalid.length, 2 + 4, 'a log line per stream and per 5 records');
      assert.match(at(result.invalid, 0), /^INFO tap-numbers: syncing users$/);
      const users = result.records.get('users')!;
      assert.match(at(users, 0), /"big_id":9007199254740994,"balance":1000000000000000001\.0000000000000007919,/);
      assert.match(at(users, 9), /"balance":1000000000000000010\.0000000000000079190,/, 'a trailing zero kept');
      assert.match(at(result.records.get('orders')!, 9), /"amount":370\.10,"total_micros":9007199254740993010,/);
      const state = JSON.parse(result.state);
      assert.equal(state.bookmarks.users.id, 12);
      assert.equal(state.bookmarks.orders.replication_key_value, '2024-01-01T00:00:12.000Z');
    });

    test(`${lang}: --state bookmarks and --catalog selection (read with metadata.to_map) are honoured`, async () => {
      const discovered = await runDiscover({ command: programs.tap, configPath: await writeJson('d.json', {}) });
      const catalog = applySelection(discovered, {
        fieldMap: { users: { fields: { id: true, email: 'mail', name: false } } },
      });
      const state = { bookmarks: { users: { replication_key: 'updated_at', replication_key_value: '2024-01-01T00:00:07.000Z', id: 7 } } };
      const result = await runPair(programs.tap, programs.target, { records: 10 }, { state, catalog });
      assert.deepEqual(result.counts, { SCHEMA: 1, RECORD: 3, STATE: 1 });
      assert.deepEqual([...result.records.keys()], ['users']);
      const first = JSON.parse(at(result.records.get('users')!, 0));
      // id and updated_at are automatic; email is mapped; name, big_id, balance are not selected.
      assert.deepEqual(Object.keys(first), ['id', 'email', 'updated_at']);
      assert.equal(first.id, 8);
    });
  }

  test('python tap → node target and node tap → python target agree', async () => {
    const a = await runPair(PROGRAMS.python.tap, PROGRAMS.node.target, { records: 5 });
    const b = await runPair(PROGRAMS.node.tap, PROGRAMS.python.target, { records: 5 });
    assert.deepEqual(a.records, b.records);
    assert.deepEqual(JSON.parse(a.state), JSON.parse(b.state));
  });

  test('parsing a record losslessly and serialising it again gives the tap text back', async () => {
    const tap = startSingerProcess({
      command: PROGRAMS.node.tap,
      args: tapArgs({ configPath: await writeJson('t.json', { records: 20 }) }),
    });
    let checked = 0;
    for await (const line of readLines(tap.stdout)) {
      const c = classifyLine(line);
      if (c.kind !== 'message' || c.type !== 'RECORD') continue;
      assert.equal(stringifyJson(c.message() as RecordMessage), line.toString());
      checked++;
    }
    await tap.exited;
    assert.equal(checked, 40);
  });

  test('a target that dies halfway exits 1 with its error on stderr', async () => {
    for (const programs of Object.values(PROGRAMS)) {
      const proc = startSingerProcess({
        command: programs.target,
        args: targetArgs({ configPath: await writeJson('t.json', { path: dir, fail_after: 2 }) }),
        stdin: 'pipe',
      });
      proc.stdout.resume();
      const lines = [1, 2, 3, 4].map((id) => `{"type":"RECORD","stream":"s","record":{"id":${id}}}\n`).join('');
      proc.stdin!.end(lines);
      const exit = await proc.exited;
      assert.equal(exit.code, 1);
      assert.match(proc.stderrTail().join('\n'), /simulated failure after 2 records/);
    }
  });
});

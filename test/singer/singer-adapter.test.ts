import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runAsSingerTap, runAsSingerTarget } from '../../src/connectors/sdk/singer-adapter.js';
import { startSingerProcess } from '../../src/singer/singer-process.js';
import { parseTargetStateLine } from '../../src/singer/target-state.js';
import { toyConnector } from '../fixtures/singer/toy-connector.js';

const CLI = fileURLToPath(new URL('../fixtures/singer/toy-connector-cli.ts', import.meta.url));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sinew-singer-adapter-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString() };
}

async function run(role: 'tap' | 'target', argv: string[], input = '') {
  const stdout = capture();
  const stderr = capture();
  const io = { stdin: Readable.from([Buffer.from(input)]), stdout: stdout.stream, stderr: stderr.stream };
  const code = role === 'tap' ? await runAsSingerTap(toyConnector, argv, io) : await runAsSingerTarget(toyConnector, argv, io);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('singer adapter (in process)', () => {
  test('tap: discover prints the catalog', async () => {
    const r = await run('tap', ['--config', await file('c.json', '{}'), '--discover']);
    assert.equal(r.code, 0);
    assert.equal(JSON.parse(r.stdout).streams[0].tap_stream_id, 'items');
  });

  test('tap: sync writes messages losslessly and honours --state; logs go to stderr', async () => {
    const r = await run('tap', [
      '--config',
      await file('c.json', '{"count":4}'),
      '--state',
      await file('s.json', '{"bookmarks":{"items":{"id":2}}}'),
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), [
      '{"type":"SCHEMA","stream":"items","schema":{"type":"object"},"key_properties":["id"]}',
      '{"type":"RECORD","stream":"items","record":{"id":3,"big":90071992547409933}}',
      '{"type":"RECORD","stream":"items","record":{"id":4,"big":90071992547409934}}',
      '{"type":"STATE","value":{"bookmarks":{"items":{"id":4}}}}',
    ]);
    assert.match(r.stderr, /toy: syncing from 2/);
  });

  test('bad usage exits 2, a connector error exits 1, both with a message on stderr', async () => {
    const cases: Array<[string[], number, RegExp]> = [
      [[], 2, /--config <file> is required/],
      [['--config', join(dir, 'missing.json')], 2, /cannot read the config file .*ENOENT/],
      [['--config', await file('bad.json', '{nope')], 2, /not valid JSON/],
      [['--config', await file('c.json', '{}'), '--bogus'], 2, /unknown argument --bogus/],
      [['--config', await file('f.json', '{"fail":true}')], 1, /toy source failed on purpose/],
    ];
    for (const [argv, code, message] of cases) {
      const r = await run('tap', argv);
      assert.equal(r.code, code, argv.join(' '));
      assert.match(r.stderr, message);
    }
  });

  test('target: records reach the connector, log lines are skipped with a warning, state is printed', async () => {
    const input = [
      '{"type":"SCHEMA","stream":"items","schema":{"type":"object"}}',
      'INFO a log line on stdout',
      '{"type":"RECORD","stream":"items","record":{"id":1,"big":90071992547409931}}',
      '{"type":"METRIC","value":{}}',
      '{"type":"STATE","value":{"bookmarks":{"items":{"id":1.50}}}}',
    ].join('\n');
    const r = await run('target', ['--config', await file('c.json', JSON.stringify({ path: dir }))], input);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await readFile(join(dir, 'received.txt'), 'utf8'), 'items {"id":1,"big":90071992547409931}\n');
    assert.equal(r.stdout, '{"bookmarks":{"items":{"id":1.50}}}\n');
    assert.match(r.stderr, /skipping line 2: not JSON/);
    assert.match(r.stderr, /ignoring messages of type METRIC/);
    const state = parseTargetStateLine(r.stdout.trim()) as { bookmarks: { items: { id: unknown } } };
    assert.equal(String(state.bookmarks.items.id), '1.50', 'the state number is kept exactly');
  });

  test('target: a connector error exits 1', async () => {
    const r = await run(
      'target',
      ['--config', await file('c.json', JSON.stringify({ path: dir, fail: true }))],
      '{"type":"RECORD","stream":"s","record":{}}\n',
    );
    assert.equal(r.code, 1);
    assert.match(r.stderr, /toy target failed on purpose/);
  });

  test('parseTargetStateLine accepts a bare value or a STATE message, and rejects log lines', () => {
    assert.deepEqual(parseTargetStateLine('{"bookmarks":{"a":1}}'), { bookmarks: { a: 1 } });
    assert.deepEqual(parseTargetStateLine(Buffer.from('{"type":"STATE","value":{"bookmarks":{}}}')), { bookmarks: {} });
    assert.equal(parseTargetStateLine('INFO done'), null);
  });
});

describe('singer adapter (real process stdin/stdout)', () => {
  test('the toy connector as tap piped into itself as target', async () => {
    const tap = startSingerProcess({
      command: [process.execPath, '--import', 'tsx', CLI, 'tap'],
      args: ['--config', await file('c.json', '{"count":3}')],
    });
    const target = startSingerProcess({
      command: [process.execPath, '--import', 'tsx', CLI, 'target'],
      args: ['--config', await file('t.json', JSON.stringify({ path: dir }))],
      stdin: 'pipe',
    });
    tap.stdout.pipe(target.stdin!);
    const out: Buffer[] = [];
    target.stdout.on('data', (c: Buffer) => out.push(c));
    assert.deepEqual(await tap.exited, { code: 0, signal: null });
    assert.deepEqual(await target.exited, { code: 0, signal: null }, target.stderrTail().join('\n'));
    assert.equal(
      await readFile(join(dir, 'received.txt'), 'utf8'),
      [
        'items {"id":1,"big":90071992547409931}',
        'items {"id":2,"big":90071992547409932}',
        'items {"id":3,"big":90071992547409933}',
        '',
      ].join('\n'),
    );
    assert.deepEqual(parseTargetStateLine(Buffer.concat(out).toString().trim()), { bookmarks: { items: { id: 3 } } });
  });

  test('usage errors give exit code 2 from a real process', async () => {
    const tap = startSingerProcess({ command: [process.execPath, '--import', 'tsx', CLI, 'tap'], args: [] });
    tap.stdout.resume();
    assert.equal((await tap.exited).code, 2);
    assert.match(tap.stderrTail().join('\n'), /--config <file> is required/);
  });
});

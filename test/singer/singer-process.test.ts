import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SinewError } from '../../src/errors/sinew-error.js';
import { describeExit, runDiscover, startSingerProcess, tapArgs } from '../../src/singer/singer-process.js';
import { at } from '../support/elements.js';
import { until } from '../support/until.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/singer/', import.meta.url));
const TAPS = [
  ['python', [join(FIXTURES, 'tap-numbers.py')]],
  ['node', [join(FIXTURES, 'tap-numbers.mjs')]],
] as const;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sinew-singer-process-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function config(value: Record<string, unknown>): Promise<string> {
  const path = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(path, JSON.stringify(value));
  return path;
}

/** Live (not zombie) processes of a process group, read from /proc. */
async function groupMembers(pgid: number): Promise<number[]> {
  const { readdir } = await import('node:fs/promises');
  const members: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Fields after the parenthesised command: state, ppid, pgrp, ...
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z') members.push(Number(entry));
  }
  return members;
}

describe('singer-process', () => {
  for (const [lang, command] of TAPS) {
    test(`${lang}: discover returns both streams with the replication key`, async () => {
      const catalog = await runDiscover({ command: [...command], configPath: await config({}) });
      assert.deepEqual(
        catalog.streams.map((s) => s.tap_stream_id),
        ['users', 'orders'],
      );
      assert.equal(at(catalog.streams, 0).replication_key, 'updated_at');
    });

    test(`${lang}: a tap that dies yields its stderr in describeExit`, async () => {
      const proc = startSingerProcess({
        command: [...command],
        args: tapArgs({ configPath: await config({ records: 50, fail_after: 3 }) }),
        logFile: join(dir, 'tap.log'),
        name: 'tap',
      });
      let lines = 0;
      for await (const chunk of proc.stdout) lines += chunk.toString().split('\n').filter(Boolean).length;
      const exit = await proc.exited;
      assert.deepEqual(exit, { code: 1, signal: null });
      assert.equal(lines, 4, 'SCHEMA + 3 records before dying');
      const error = describeExit('tap', exit, proc.stderrTail());
      assert.match(error, /^tap exited with code 1: /);
      assert.match(error, /simulated failure after 3 records/);
      assert.match(await readFile(join(dir, 'tap.log'), 'utf8'), /simulated failure after 3 records/);
    });
  }

  test('kill() ends the whole process group of a sleeping tap', async () => {
    // A shell that runs the tap as its child: killing only the shell would orphan the tap.
    const proc = startSingerProcess({
      command: ['sh', '-c', `"${join(FIXTURES, 'tap-numbers.mjs')}" --config "$1" & wait`, 'sh'],
      args: [await config({ records: 1000, sleep_ms: 200 })],
    });
    const firstChunk = await new Promise<Buffer>((resolve) => proc.stdout.once('data', resolve));
    assert.match(firstChunk.toString(), /SCHEMA/);
    proc.stdout.resume();
    assert.equal((await groupMembers(proc.pid!)).length, 2, 'the shell and the tap run in one group');
    proc.kill();
    const exit = await proc.exited;
    assert.equal(exit.signal, 'SIGTERM');
    await until('no process of the group left', 5_000, async () => (await groupMembers(proc.pid!)).length === 0);
  });

  test('a missing executable is a CONNECTOR_FAILED SinewError, not a crash', async () => {
    const proc = startSingerProcess({ command: [join(dir, 'no-such-tap')], args: [], name: 'tap' });
    await assert.rejects(proc.exited, (error: unknown) => {
      assert.ok(error instanceof SinewError);
      assert.equal(error.code, 'CONNECTOR_FAILED');
      assert.match(error.message, /could not start tap .*command not found/);
      return true;
    });
    await assert.rejects(runDiscover({ command: ['sinew-no-such-tap-anywhere'], configPath: 'x' }), /command not found/);
  });

  test('discover failures carry the stderr tail; bad JSON is reported', async () => {
    await assert.rejects(
      runDiscover({ command: ['sh', '-c', 'echo "auth failed: bad token" >&2; exit 3', 'sh'], configPath: 'c.json' }),
      (error: unknown) => {
        assert.ok(error instanceof SinewError);
        assert.equal(error.code, 'CONNECTOR_FAILED');
        assert.match(error.message, /tap exited with code 3: auth failed: bad token/);
        return true;
      },
    );
    await assert.rejects(runDiscover({ command: ['sh', '-c', 'echo not json', 'sh'], configPath: 'c.json' }), /no valid catalog/);
    // Log lines before the catalog are tolerated; big numbers in it survive.
    const catalog = await runDiscover({
      command: [
        'sh',
        '-c',
        'echo "INFO starting"; echo \'{"streams":[{"tap_stream_id":"a","stream":"a","schema":{"maximum":9007199254740993}}]}\'',
        'sh',
      ],
      configPath: 'c.json',
    });
    assert.equal(String(at(catalog.streams, 0).schema.maximum), '9007199254740993');
  });

  test('describeExit names signals and says when stderr was empty', () => {
    assert.equal(describeExit('target', { code: null, signal: 'SIGKILL' }, []), 'target was killed by signal SIGKILL (no stderr output)');
    const many = Array.from({ length: 30 }, (_, i) => `line ${i}`);
    assert.equal(describeExit('tap', { code: 2, signal: null }, many).split('\n').length, 10);
  });

  test('tapArgs', () => {
    assert.deepEqual(tapArgs({ configPath: 'c', statePath: 's', catalogPath: 'k', catalogFlag: '--properties' }), [
      '--config',
      'c',
      '--state',
      's',
      '--properties',
      'k',
    ]);
    assert.deepEqual(tapArgs({ configPath: 'c', catalogPath: 'k' }), ['--config', 'c', '--catalog', 'k']);
  });
});

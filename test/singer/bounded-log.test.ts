import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { BoundedLog } from '../../src/singer/bounded-log.js';
import { startSingerProcess } from '../../src/singer/singer-process.js';
import { expectedLog, LOUD_TAP, loudStderr } from '../support/loud-stderr.js';

const MIB = 1024 * 1024;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sinew-bounded-log-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function runLoudTap(stderrBytes: number, logLimits?: { headBytes: number; tailBytes: number }) {
  const configPath = join(dir, 'config.json');
  await writeFile(configPath, JSON.stringify({ stderr_bytes: stderrBytes }));
  const logFile = join(dir, 'tap.log');
  const proc = startSingerProcess({
    command: [process.execPath, LOUD_TAP],
    args: ['--config', configPath],
    logFile,
    logLimits,
    name: 'tap',
  });
  let stdout = '';
  for await (const chunk of proc.stdout) stdout += String(chunk);
  const exit = await proc.exited;
  return { exit, stdout, logFile, tail: proc.stderrTail() };
}

describe("a connector's stderr log keeps its head and its tail", () => {
  test('30 MiB of stderr with 1 MiB + 1 MiB limits: the first and last MiB, and how much was dropped', async () => {
    const total = 30 * MIB;
    const run = await runLoudTap(total, { headBytes: MIB, tailBytes: MIB });
    assert.deepEqual(run.exit, { code: 0, signal: null });
    assert.match(run.stdout, /"RECORD"/, 'stdout is untouched');
    const notice = `[sinew: ${28 * MIB} bytes of stderr dropped here]\n`;
    assert.equal((await stat(run.logFile)).size, 2 * MIB + notice.length);
    const log = await readFile(run.logFile);
    const output = loudStderr(total);
    assert.ok(log.subarray(0, MIB).equals(output.subarray(0, MIB)), 'the head is the first MiB');
    assert.equal(log.subarray(MIB, MIB + notice.length).toString(), notice, 'the notice sits at the gap');
    assert.ok(log.subarray(MIB + notice.length).equals(output.subarray(total - MIB)), 'the tail is the last MiB');
    // The in-memory tail of lines, used in a failed job's error, still shows the very end.
    assert.equal(run.tail.at(-1), String(total / 16 - 1).padStart(15, '0'));
  });

  test('output within the limits is kept whole, without a notice; the file is appended to', async () => {
    await writeFile(join(dir, 'tap.log'), 'from an earlier run\n');
    const run = await runLoudTap(64 * 1024 + 5);
    assert.equal(run.exit.code, 0);
    const log = await readFile(run.logFile);
    assert.ok(log.equals(Buffer.concat([Buffer.from('from an earlier run\n'), loudStderr(64 * 1024 + 5)])));
  });

  test('any chunking and any limits give exactly head + notice + tail', async () => {
    const output = loudStderr(50_000);
    const cases: Array<[number, number]> = [
      [0, 0],
      [0, 1000],
      [1000, 0],
      [1001, 999],
      [7, 49_000],
      [25_000, 25_000],
      [30_000, 30_000],
    ];
    for (const [head, tail] of cases) {
      for (const chunkSize of [1, 100, 4096, 65536]) {
        const file = join(dir, `log-${head}-${tail}-${chunkSize}`);
        const log = new BoundedLog(file, { headBytes: head, tailBytes: tail });
        // Chunks cut from one big buffer, as a pipe's reads may be.
        for (let off = 0; off < output.length; off += chunkSize) log.write(output.subarray(off, off + chunkSize));
        await log.end();
        const written = await readFile(file);
        assert.ok(written.equals(expectedLog(output, head, tail)), `head ${head}, tail ${tail}, chunks of ${chunkSize}`);
      }
    }
  });
});

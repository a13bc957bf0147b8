import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { run, sinew, tempDir, writeJson } from './cli-process.js';

const schema = (stream: string) =>
  JSON.stringify({ type: 'SCHEMA', stream, schema: { type: 'object', properties: { id: { type: 'integer' } } }, key_properties: ['id'] });
const record = (stream: string, id: number) => JSON.stringify({ type: 'RECORD', stream, record: { id } });

/** One run of `sinew singer target jsonl` with `lines` on its stdin; fails the test unless it exits 0. */
async function runTarget(dir: string, config: Record<string, unknown>, lines: string[]): Promise<void> {
  const configPath = await writeJson(dir, `config-${Math.random().toString(36).slice(2)}.json`, config);
  const r = await run(sinew('singer', 'target', 'jsonl', '--config', configPath), { stdin: `${lines.join('\n')}\n` });
  assert.equal(r.code, 0, r.stderr);
}

/** Runs `fn` in a fresh temp dir, removed afterwards whatever happens. */
async function inTempDir(name: string, fn: (dir: string) => Promise<void>): Promise<void> {
  const { dir, remove } = await tempDir(name);
  try {
    await fn(dir);
  } finally {
    await remove();
  }
}

describe('sinew singer target jsonl: its directory and its mode', { concurrency: true }, () => {
  test('a missing nested directory is created', () =>
    inTempDir('jsonl-mkdir', async (dir) => {
      const out = path.join(dir, 'not', 'there', 'yet');
      await runTarget(dir, { path: out }, [schema('users'), record('users', 1)]);
      assert.equal(await fs.readFile(path.join(out, 'users.jsonl'), 'utf8'), '{"id":1}\n');
    }));

  test('append (the default) keeps the lines of both runs', () =>
    inTempDir('jsonl-append', async (dir) => {
      await runTarget(dir, { path: dir }, [schema('users'), record('users', 1), record('users', 2)]);
      await runTarget(dir, { path: dir, mode: 'append' }, [schema('users'), record('users', 3)]);
      assert.equal(await fs.readFile(path.join(dir, 'users.jsonl'), 'utf8'), '{"id":1}\n{"id":2}\n{"id":3}\n');
    }));

  test("overwrite keeps only the last run's lines, however many SCHEMA messages the run sends", () =>
    inTempDir('jsonl-overwrite', async (dir) => {
      const config = { path: dir, mode: 'overwrite' };
      await runTarget(dir, config, [schema('users'), record('users', 1), record('users', 2), schema('orders'), record('orders', 7)]);
      await runTarget(dir, config, [schema('users'), record('users', 3), schema('users'), record('users', 4)]);
      assert.equal(await fs.readFile(path.join(dir, 'users.jsonl'), 'utf8'), '{"id":3}\n{"id":4}\n');
      // A stream the last run did not write keeps what it had.
      assert.equal(await fs.readFile(path.join(dir, 'orders.jsonl'), 'utf8'), '{"id":7}\n');
    }));
});

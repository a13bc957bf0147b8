import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { describe, test } from 'node:test';
import { EtlScriptError, runEtlScript } from '../../src/etl/run-etl-script.js';
import { until } from '../support/until.js';
import { BIG, type EtlJobFolder, lines, makeEtlJobFolder } from './etl-job-folder.js';

async function withFolder(name: string, fn: (job: EtlJobFolder) => Promise<void>): Promise<void> {
  const job = await makeEtlJobFolder(name);
  try {
    await fn(job);
  } finally {
    await job.remove();
  }
}

const run = (job: EtlJobFolder, etl: { script?: string; command?: string[] }, extra: { timeoutMs?: number; memoryMb?: number } = {}) =>
  runEtlScript({
    jobRoot: job.root,
    etl,
    env: job.env,
    timeoutMs: extra.timeoutMs ?? 60_000,
    memoryMb: extra.memoryMb ?? 512,
    logFile: job.logFile,
  });

async function failure(promise: Promise<unknown>): Promise<EtlScriptError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof EtlScriptError, `expected an EtlScriptError, got ${String(e)}`);
    return e;
  }
  assert.fail('the ETL step should have failed');
}

describe('ETL scripts using the kit', () => {
  test('a TypeScript module reads records, merges a snapshot, reads tenant config and env, writes the output', async () => {
    await withFolder('ts', async (job) => {
      const script = await job.write(
        'scripts/transform.ts',
        `interface Customer { id: number; name: string; [k: string]: unknown }
export default async (ctx: any): Promise<void> => {
  const config: Record<string, unknown> = await ctx.tenantConfig();
  const out = await ctx.output();
  await out.writeSchema('customers', { type: 'object', properties: { id: { type: 'integer' }, currency: { type: 'string' } } }, ['id']);
  for await (const r of ctx.records('customers') as AsyncIterable<Customer>) await out.writeRecord('customers', { ...r, currency: config.currency });
  const merged = await ctx.snapshotRecords(ctx.records('customers'), 'customers', 'id');
  await out.writeState({ merged, tenant: ctx.env.TENANT, job: ctx.env.JOB_ID, sync: ctx.env.SYNC_TYPE });
};
`,
      );
      await run(job, { script });
      const outText = await job.read('etl-output/data.singer');
      assert.ok(outText.includes(`"balance":${BIG}`), 'the big number is written byte for byte');
      const out = lines(outText);
      assert.deepEqual(
        out.map((m) => m.type),
        ['SCHEMA', 'RECORD', 'RECORD', 'STATE'],
      );
      assert.deepEqual(out[2].record, { id: 2, name: 'Grace', balance: 7, currency: 'EUR' });
      assert.deepEqual(out[3].value, {
        merged: { records: 3, inserted: 1, updated: 1 },
        tenant: 'tenant-1',
        job: 'job42',
        sync: 'incremental_sync',
      });
      const snapshot = await job.read('snapshots/customers.jsonl');
      assert.equal(
        snapshot,
        `{"id":2,"name":"Grace","balance":7}\n{"id":3,"name":"Linus","balance":5}\n{"id":1,"name":"Ada","balance":${BIG}}\n`,
      );
    });
  });

  test('a JavaScript module passes the sync output through a field map and writes and reads a snapshot', async () => {
    await withFolder('mjs', async (job) => {
      const script = await job.write(
        'scripts/transform.mjs',
        `export default async (ctx) => {
  await ctx.passThrough({ customers: { fields: { id: true, balance: true, name: 'full_name' } } });
  await ctx.writeSnapshot('seen', ctx.records('orders'));
  const out = await ctx.output();
  for await (const r of ctx.readSnapshot('seen')) await out.writeRecord('seen_orders', r);
  for await (const r of ctx.readSnapshot('missing')) throw new Error('a missing snapshot has no records');
};
`,
      );
      await run(job, { script });
      const text = await job.read('etl-output/data.singer');
      assert.ok(text.includes(`"balance":${BIG}`));
      const out = lines(text);
      assert.equal(out[0].type, 'SCHEMA');
      assert.deepEqual(Object.keys(out[0].schema.properties), ['id', 'full_name', 'balance']);
      assert.deepEqual(out[2].record, { id: 2, full_name: 'Grace', balance: 7 });
      assert.ok(!out.some((m) => m.stream === 'orders'), 'a stream outside the field map is dropped');
      assert.deepEqual(out.at(-1), { type: 'RECORD', stream: 'seen_orders', record: { id: 10 } });
      assert.equal(await job.read('snapshots/seen.jsonl'), '{"id":10}\n');
    });
  });

  test('a Python executable reads sync output, snapshots and tenant config and writes the output', async () => {
    await withFolder('py', async (job) => {
      const script = await job.write(
        'scripts/etl.py',
        `import json, os
config = json.load(open('snapshots/tenant-config.json'))
known = {json.loads(l)['id'] for l in open('snapshots/customers.jsonl') if l.strip()}
with open('etl-output/data.singer', 'w') as out:
    for line in open('sync-output/data.singer'):
        m = json.loads(line)
        if m['type'] == 'RECORD' and m['stream'] == 'customers':
            r = dict(m['record'], known=m['record']['id'] in known, tenant=os.environ['TENANT'], currency=config['currency'])
            out.write(json.dumps({'type': 'RECORD', 'stream': 'customers', 'record': r}) + '\\n')
`,
      );
      await run(job, { command: ['python3'], script });
      const text = await job.read('etl-output/data.singer');
      assert.ok(text.includes(`"balance": ${BIG}`), 'Python ints keep the big number');
      assert.deepEqual(
        lines(text).map((m) => [m.record.id, m.record.known, m.record.tenant, m.record.currency]),
        [
          [1, false, 'tenant-1', 'EUR'],
          [2, true, 'tenant-1', 'EUR'],
        ],
      );
    });
  });
});

describe("ETL failures carry the script's own message", () => {
  test('a thrown error in a TS module', async () => {
    await withFolder('throw', async (job) => {
      const script = await job.write(
        'etl.mts',
        `export default async (): Promise<void> => { throw new Error('customer 7 has no email'); };\n`,
      );
      const e = await failure(run(job, { script }));
      assert.equal(e.message, 'customer 7 has no email');
      assert.equal(e.reason, 'failed');
      assert.match(await fs.readFile(job.logFile, 'utf8'), /customer 7 has no email\n\s+at /, 'the stack is in the log');
    });
  });

  test('an uncaught exception outside the awaited chain of a JS module', async () => {
    await withFolder('uncaught', async (job) => {
      const script = await job.write(
        'etl.js',
        `export default () => new Promise(() => setTimeout(() => { throw new TypeError('late failure'); }, 10));\n`,
      );
      const e = await failure(run(job, { script }));
      assert.equal(e.message, 'late failure');
    });
  });

  test('a Python exception: the last line of its traceback', async () => {
    await withFolder('pyfail', async (job) => {
      const script = await job.write('etl.py', `raise ValueError('row 3: bad date')\n`);
      const e = await failure(run(job, { command: ['python3', script] }));
      assert.equal(e.message, 'ValueError: row 3: bad date');
    });
  });

  test('an executable exiting non-zero in silence, a module without default export, a missing script, no output', async () => {
    await withFolder('misc', async (job) => {
      const sh = await job.write('etl.sh', '#!/bin/sh\nexit 3\n');
      await fs.chmod(sh, 0o755);
      assert.equal((await failure(run(job, { script: sh }))).message, 'the ETL script exited with code 3');
      const noDefault = await job.write('named.mjs', 'export const etl = () => {};\n');
      assert.match((await failure(run(job, { script: noDefault }))).message, /has no default export function/);
      const missing = await failure(run(job, { script: `${job.root}/nope.ts` }));
      assert.equal(missing.reason, 'not-found');
      await job.write('etl-output/data.singer', 'stale\n');
      const silent = await job.write('silent.mjs', 'export default async () => {};\n');
      const noOutput = await failure(run(job, { script: silent }));
      assert.equal(noOutput.reason, 'no-output');
      assert.equal(noOutput.message, 'the ETL script finished without writing etl-output/data.singer');
    });
  });
});

describe('ETL limits', () => {
  test('a script past its time is stopped with its process group', async () => {
    await withFolder('timeout', async (job) => {
      const marker = `${process.pid}${Date.now() % 100000}.5`;
      const sh = await job.write('slow.sh', `#!/bin/sh\nsleep ${marker} &\nsleep ${marker}\n`);
      await fs.chmod(sh, 0o755);
      const started = Date.now();
      const e = await failure(run(job, { script: sh }, { timeoutMs: 1000 }));
      assert.equal(e.reason, 'timeout');
      assert.equal(e.message, 'the ETL script did not finish within 1 s and was stopped (timeout)');
      assert.ok(Date.now() - started < 15_000);
      const left = async (): Promise<string[]> => {
        const pids: string[] = [];
        for (const pid of await fs.readdir('/proc')) {
          if (!/^\d+$/.test(pid)) continue;
          const cmd = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
          if (cmd.includes(marker)) pids.push(pid);
        }
        return pids;
      };
      // Killed processes leave /proc once reaped; the sleep itself would run for hours.
      await until('the background sleep killed too', 5_000, async () => (await left()).length === 0);
    });
  });

  test('a node module past its memory limit fails with a memory message', async () => {
    await withFolder('oom', async (job) => {
      const script = await job.write(
        'hog.mjs',
        `export default async () => { const keep = []; for (;;) keep.push(new Array(100000).fill({ a: Math.random() })); };\n`,
      );
      const e = await failure(run(job, { script }, { memoryMb: 96 }));
      assert.equal(e.reason, 'memory');
      assert.equal(e.message, 'the ETL script ran out of memory (limit 96 MiB)');
    });
  });

  test('an executable past its memory limit fails (address-space limit)', async () => {
    await withFolder('pyoom', async (job) => {
      const script = await job.write('hog.py', `x = bytearray(1024 * 1024 * 1024)\n`);
      const e = await failure(run(job, { command: ['python3', script] }, { memoryMb: 256 }));
      assert.equal(e.reason, 'memory');
      assert.equal(e.message, 'MemoryError (the ETL memory limit is 256 MiB)');
    });
  });
});

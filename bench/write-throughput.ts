/**
 * Write jobs (reverse ETL) to the `http` target: a write job of N records (the API source: records
 * in the request's state → sync → ETL → export through the record-id map, every record with an
 * externalId) against a loopback collection that answers each call in ~1 ms, and a bare client
 * loop (bench/bare-write-client.ts) making the same calls — same batch size, same concurrency —
 * in the same round. Targets: with batching ≥ 5,000 records/s, and ≥ 80 % of the bare loop.
 * The per-record mode (one call per record) is printed too, with fewer records.
 * Usage: node --import tsx bench/write-throughput.ts [--records N (100000)] [--single-records N (20000)]
 *        [--batch B (100)] [--concurrency C (4)] [--repeat K (3)] [--no-build]
 */
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { isTerminal } from '../src/model/job-phases.js';
import { buildDist } from './build-dist.js';
import { onCleanup, runMain } from './exit-cleanup.js';
import { describeMachine } from './machine-load.js';
import { median } from './median.js';
import { statusTime } from './sinew-job-run.js';
import { type SinewServer, startSinewServer } from './sinew-server.js';
import { makeTempDir } from './temp-dir.js';
import { formatTable } from './text-table.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const value = process.argv[i + 1];
  if (value === undefined) throw new Error(`--${name} needs a number`);
  return Number(value.replaceAll('_', ''));
};
const RECORDS = arg('records', 100_000);
const SINGLE_RECORDS = arg('single-records', 20_000);
const BATCH = arg('batch', 100);
const CONCURRENCY = arg('concurrency', 4);
const REPEAT = arg('repeat', 3);
const RATE_TARGET = 5000;
const RATIO_TARGET = 0.8;

interface Mode {
  name: string;
  records: number;
  batch: number;
  concurrency: number;
}

const record = (i: number) => ({ externalId: `c${i}`, name: `Name ${i}`, email: `user${i}@example.com`, age: i % 90, active: i % 3 === 0 });

async function collectionServer(): Promise<{ url: string; report(): Promise<{ calls: number; items: number }> }> {
  const child = fork(fileURLToPath(new URL('./collection-server.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'] });
  onCleanup(() => {
    child.kill('SIGKILL');
  });
  const [{ port }] = (await once(child, 'message')) as [{ port: number }];
  return {
    url: `http://127.0.0.1:${port}/items`,
    async report() {
      child.send({ t: 'report' });
      return ((await once(child, 'message')) as [{ calls: number; items: number }])[0];
    },
  };
}

async function bareLoop(url: string, file: string, mode: Mode): Promise<number> {
  const script = fileURLToPath(new URL('./bare-write-client.ts', import.meta.url));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', script, '--url', url, '--records', file, '--batch', String(mode.batch), '--concurrency', String(mode.concurrency)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  if (code !== 0) throw new Error(`the bare client exited with ${code}`);
  return (JSON.parse(out) as { seconds: number }).seconds;
}

async function sinewJob(
  server: SinewServer,
  url: string,
  tenant: string,
  records: unknown[],
  mode: Mode,
): Promise<{ seconds: number; phases: string }> {
  const config = {
    url,
    max_attempts: 1,
    concurrency: mode.concurrency,
    ...(mode.batch > 1 ? { batch_url: '{url}/batch', batch_size: mode.batch } : {}),
  };
  await server.api('POST', `/${server.envId}/bench-write/${tenant}/linkedTargets`, { target: { target: 'http', config } });
  const base = `/${server.envId}/bench-write/${tenant}/jobs`;
  const postedAt = Date.now();
  const created = await server.api<{ job_id: string }>('POST', base, { tap: 'api', state: { Contacts: records } });
  let job: any;
  for (;;) {
    job = (await server.api('GET', `${base}/${created.body.job_id}`)).body;
    if (isTerminal(job.status)) break;
    await sleep(50);
  }
  if (job.status !== 'JOB_COMPLETED') throw new Error(`job ${job.job_id} ended ${job.status}: ${job.error}`);
  const summary = job.state.summary.Contacts;
  if (summary.success !== records.length) throw new Error(`job ${job.job_id} wrote ${summary.success} of ${records.length} records`);
  const ts = job.status_timestamp as Record<string, number>;
  const span = (a: string, b: string) => ((statusTime(ts, b) - statusTime(ts, a)) / 1000).toFixed(2);
  return {
    seconds: (statusTime(ts, 'JOB_COMPLETED') - postedAt) / 1000,
    phases: `request+queue ${((statusTime(ts, 'SYNC_STARTED') - postedAt) / 1000).toFixed(2)}, sync ${span('SYNC_STARTED', 'SYNC_SUCCESS')}, etl ${span('ETL_STARTED', 'ETL_SUCCESS')}, export ${span('EXPORT_STARTED', 'JOB_COMPLETED')}`,
  };
}

runMain(async () => {
  buildDist(process.argv.includes('--no-build'));
  const remote = await collectionServer();
  const server = await startSinewServer();
  onCleanup(() => server.stop());
  await server.api('PUT', `/${server.envId}/flows/bench-write`, { name: 'bench-write', type: 'v1-target', connectors: ['http'] });
  const dir = await makeTempDir('write-throughput');
  const modes: Mode[] = [
    { name: `batches of ${BATCH}`, records: RECORDS, batch: BATCH, concurrency: CONCURRENCY },
    { name: 'one call per record', records: SINGLE_RECORDS, batch: 1, concurrency: 8 },
  ];
  const rows: (string | number)[][] = [];
  let tenant = 0;
  for (const mode of modes) {
    const records = Array.from({ length: mode.records }, (_, i) => record(i));
    const file = path.join(dir.path, `records-${mode.records}.jsonl`);
    await writeFile(file, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const bare: number[] = [];
    const sinew: number[] = [];
    const ratios: number[] = [];
    let phases = '';
    for (let round = 0; round < REPEAT; round++) {
      const b = await bareLoop(remote.url, file, mode);
      await remote.report();
      // A fresh tenant each round: its record-id map is empty, so every record is a create (as in the bare loop).
      const s = await sinewJob(server, remote.url, `t${tenant++}`, records, mode);
      const served = await remote.report();
      if (served.items !== mode.records) throw new Error(`the collection got ${served.items} items, not ${mode.records}`);
      bare.push(b);
      sinew.push(s.seconds);
      ratios.push(b / s.seconds);
      phases = s.phases;
      process.stdout.write(`# ${mode.name}, round ${round + 1}: bare ${b.toFixed(2)} s, sinew ${s.seconds.toFixed(2)} s (${s.phases})\n`);
    }
    const rate = (n: number, s: number) => Math.round(n / s).toLocaleString('en-US');
    rows.push([
      mode.name,
      mode.records.toLocaleString('en-US'),
      mode.concurrency,
      rate(mode.records, median(bare)),
      rate(mode.records, median(sinew)),
      `${(median(ratios) * 100).toFixed(0)} %`,
      phases,
    ]);
  }
  process.stdout.write(`\n# write job → http target, ~1 ms per call, median of ${REPEAT} — ${describeMachine()}\n`);
  process.stdout.write(
    `${formatTable(['mode', 'records', 'concurrency', 'bare loop rec/s', 'sinew job rec/s', 'sinew / bare', 'sinew phases (s, last round)'], rows)}\n`,
  );
  process.stdout.write(
    `# targets: batching ≥ ${RATE_TARGET.toLocaleString('en-US')} records/s and ≥ ${RATIO_TARGET * 100} % of the bare loop\n`,
  );
  await dir.remove();
});

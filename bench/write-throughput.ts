/**
 * Write jobs (reverse ETL) to the `http` target: a write job of N records (the API source: records
 * in the request's state → sync → ETL → export through the record-id map, every record with an
 * externalId) against a loopback collection, and a bare client loop (bench/bare-write-client.ts)
 * making the same calls — same batch size, same concurrency — in the same round. Modes (issue #19):
 *   remote answering in 20 ms, batches of 100, 4 in flight   target: Sinew ≥ 95 % of the bare loop
 *   remote answering at once, 1M records, batches of 100      target: ≥ 100,000 records/s end to end,
 *                                                              job process peak RSS flat (± 20 % of 1/10 the records)
 *   one call per record, remote in 1 ms                       (no target: shows the per-call cost)
 * Usage: node --import tsx bench/write-throughput.ts [--records N (100000, 20 ms mode)] [--bulk-records N (1000000)]
 *        [--single-records N (20000)] [--batch B (100)] [--concurrency C (4)] [--repeat K (3)] [--no-build]
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
const BULK_RECORDS = arg('bulk-records', 1_000_000);
const SINGLE_RECORDS = arg('single-records', 20_000);
const BATCH = arg('batch', 100);
const CONCURRENCY = arg('concurrency', 4);
const REPEAT = arg('repeat', 3);
const RATIO_TARGET = 0.95;
const RATE_TARGET = 100_000;
const FLAT_WITHIN = 0.2;

interface Mode {
  name: string;
  records: number;
  batch: number;
  concurrency: number;
  latencyMs: number;
  /** `streaming_job: true`: the target gets the records while the sync phase still reads them. */
  streaming?: boolean;
  /** What the mode is judged by. */
  target: 'ratio' | 'rate' | null;
}

/**
 * A contact of ~100 bytes; the bulk mode's records are shorter (~45 bytes), so that a million of
 * them fit the API's 64 MiB request limit in one write job.
 */
const record = (i: number) => ({ externalId: `c${i}`, name: `Name ${i}`, email: `user${i}@example.com`, age: i % 90, active: i % 3 === 0 });
const shortRecord = (i: number) => ({ externalId: `c${i}`, email: `user${i}@example.com` });

type Remote = { url: string; report(): Promise<{ calls: number; items: number }> };

async function collectionServer(latencyMs: number): Promise<Remote> {
  const child = fork(fileURLToPath(new URL('./collection-server.ts', import.meta.url)), ['--latency-ms', String(latencyMs)], {
    execArgv: ['--import', 'tsx'],
  });
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
): Promise<{ seconds: number; phases: string; memoryMiB: number }> {
  const config = {
    url,
    max_attempts: 1,
    concurrency: mode.concurrency,
    ...(mode.batch > 1 ? { batch_url: '{url}/batch', batch_size: mode.batch } : {}),
  };
  await server.api('POST', `/${server.envId}/bench-write/${tenant}/linkedTargets`, { target: { target: 'http', config } });
  const base = `/${server.envId}/bench-write/${tenant}/jobs`;
  const postedAt = Date.now();
  const created = await server.api<{ job_id: string }>('POST', base, {
    tap: 'api',
    state: { Contacts: records },
    ...(mode.streaming ? { streaming_job: true } : {}),
  });
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
    memoryMiB: job.resources_usage.memoryUsage,
    phases: `request+queue ${((statusTime(ts, 'SYNC_STARTED') - postedAt) / 1000).toFixed(2)}, ${
      mode.streaming
        ? `streaming ${span('SYNC_STARTED', 'JOB_COMPLETED')}`
        : `sync ${span('SYNC_STARTED', 'SYNC_SUCCESS')}, etl ${span('ETL_STARTED', 'ETL_SUCCESS')}, export ${span('EXPORT_STARTED', 'JOB_COMPLETED')}`
    }`,
  };
}

const rate = (n: number, s: number) => Math.round(n / s).toLocaleString('en-US');

runMain(async () => {
  buildDist(process.argv.includes('--no-build'));
  const remotes = new Map<number, Remote>();
  const remoteFor = async (latencyMs: number): Promise<Remote> => {
    if (!remotes.has(latencyMs)) remotes.set(latencyMs, await collectionServer(latencyMs));
    return remotes.get(latencyMs)!;
  };
  const server = await startSinewServer();
  onCleanup(() => server.stop());
  await server.api('PUT', `/${server.envId}/flows/bench-write`, { name: 'bench-write', type: 'v1-target', connectors: ['http'] });
  const dir = await makeTempDir('write-throughput');
  const modes: Mode[] = [
    { name: `batches of ${BATCH}, remote 20 ms`, records: RECORDS, batch: BATCH, concurrency: CONCURRENCY, latencyMs: 20, target: 'ratio' },
    {
      name: `batches of ${BATCH}, remote 20 ms, streaming job`,
      records: RECORDS,
      batch: BATCH,
      concurrency: CONCURRENCY,
      latencyMs: 20,
      streaming: true,
      target: 'ratio',
    },
    {
      name: `batches of ${BATCH}, remote at once`,
      records: BULK_RECORDS / 10,
      batch: BATCH,
      concurrency: CONCURRENCY,
      latencyMs: 0,
      target: null,
    },
    {
      name: `batches of ${BATCH}, remote at once`,
      records: BULK_RECORDS,
      batch: BATCH,
      concurrency: CONCURRENCY,
      latencyMs: 0,
      target: 'rate',
    },
    { name: 'one call per record, remote 1 ms', records: SINGLE_RECORDS, batch: 1, concurrency: 8, latencyMs: 1, target: null },
  ];
  const rows: (string | number)[][] = [];
  const verdicts: string[] = [];
  const peakByRecords = new Map<number, number>();
  let tenant = 0;
  for (const mode of modes) {
    const remote = await remoteFor(mode.latencyMs);
    const make = mode.latencyMs === 0 ? shortRecord : record;
    const records = Array.from({ length: mode.records }, (_, i) => make(i));
    const file = path.join(dir.path, `records-${mode.records}.jsonl`);
    await writeFile(file, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const bare: number[] = [];
    const sinew: number[] = [];
    const ratios: number[] = [];
    let peak = 0;
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
      peak = Math.max(peak, s.memoryMiB);
      phases = s.phases;
      process.stdout.write(
        `# ${mode.name}, ${mode.records} records, round ${round + 1}: bare ${b.toFixed(2)} s, sinew ${s.seconds.toFixed(2)} s, job peak RSS ${s.memoryMiB} MiB (${s.phases})\n`,
      );
    }
    if (mode.latencyMs === 0) peakByRecords.set(mode.records, peak);
    const ratio = median(ratios);
    const sinewRate = mode.records / median(sinew);
    rows.push([
      mode.name,
      mode.records.toLocaleString('en-US'),
      mode.concurrency,
      rate(mode.records, median(bare)),
      rate(mode.records, median(sinew)),
      `${(ratio * 100).toFixed(0)} %`,
      peak.toFixed(1),
      phases,
    ]);
    const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
    if (mode.target === 'ratio')
      verdicts.push(
        `${mode.name}: sinew / bare ${(ratio * 100).toFixed(0)} % (target ≥ ${RATIO_TARGET * 100} %) → ${met(ratio >= RATIO_TARGET)}`,
      );
    if (mode.target === 'rate')
      verdicts.push(
        `${mode.name}, ${mode.records.toLocaleString('en-US')} records: ${rate(mode.records, median(sinew))} records/s (target ≥ ${RATE_TARGET.toLocaleString('en-US')}) → ${met(sinewRate >= RATE_TARGET)}`,
      );
  }
  const [small, large] = [...peakByRecords.entries()].sort((a, b) => a[0] - b[0]);
  if (small && large) {
    const growth = large[1] / small[1] - 1;
    verdicts.push(
      `job process peak RSS, ${large[0].toLocaleString('en-US')} vs ${small[0].toLocaleString('en-US')} records: ${large[1].toFixed(1)} vs ${small[1].toFixed(1)} MiB (${(growth * 100).toFixed(1)} %) → ${Math.abs(growth) <= FLAT_WITHIN ? 'flat (met)' : 'NOT flat (MISSED)'}`,
    );
  }
  process.stdout.write(`\n# write job → http target, median of ${REPEAT} — ${describeMachine()}\n`);
  process.stdout.write(
    `${formatTable(['mode', 'records', 'in flight', 'bare loop rec/s', 'sinew job rec/s', 'sinew / bare', 'job peak RSS MiB', 'sinew phases (s, last round)'], rows)}\n\n`,
  );
  process.stdout.write(`${verdicts.join('\n')}\n`);
  await dir.remove();
});

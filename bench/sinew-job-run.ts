import { setTimeout as sleep } from 'node:timers/promises';
import { isTerminal } from '../src/model/job-phases.js';
import { cpuSeconds, hasChildren } from './cpu-time.js';
import { removeJobRoot, type SinewPipeline } from './sinew-pipeline.js';
import type { SinewServer } from './sinew-server.js';
import { emptyDir } from './temp-dir.js';

const POLL_MS = 50;

export interface SinewJobResult {
  /** From just before the POST to the server's JOB_COMPLETED stamp. */
  seconds: number;
  records: number;
  /** The job process's peak RSS (VmHWM), MiB, as the job object reports it. */
  memoryMiB: number;
  /** CPU seconds of the job process and the connectors it ran (waited for by the server). */
  cpu: number;
  /** CPU seconds the server itself spent meanwhile (API, worker, store; includes answering our polls). */
  serverCpu: number;
  phases: PhaseDurations;
  jobId: string;
}

/** Seconds between status_timestamp stamps; absent phases are omitted. */
export type PhaseDurations = Partial<Record<'queued' | 'discover' | 'sync' | 'etl' | 'export' | 'streaming', number>>;

/**
 * Starts a job (`POST /{env}/{flow}/{tenant}/jobs`, always with reset_source_state so every run
 * syncs everything), polls it to its end and returns its timing. The job root and the target's
 * output are removed afterwards so runs do not fill the disk. A job that does not complete throws.
 */
export async function runSinewJob(
  server: SinewServer,
  p: Pick<SinewPipeline, 'flowId' | 'tenant' | 'targetDir'>,
  opts: { streaming: boolean; timeoutMs: number },
): Promise<SinewJobResult> {
  await emptyDir(p.targetDir);
  const base = `/${server.envId}/${p.flowId}/${p.tenant}/jobs`;
  const cpuBefore = cpuSeconds(server.pid);
  const postedAt = Date.now();
  const created = await server.api<{ job_id: string }>('POST', base, {
    reset_source_state: true,
    ...(opts.streaming ? { streaming_job: true } : {}),
  });
  const jobId = created.body.job_id;
  const deadline = postedAt + opts.timeoutMs;
  let job: any;
  for (;;) {
    job = (await server.api('GET', `${base}/${jobId}`)).body;
    if (isTerminal(job.status)) break;
    if (Date.now() > deadline) {
      await server.api('POST', `${base}/${jobId}/cancel`).catch(() => undefined);
      throw new Error(`job ${jobId} still ${job.status} after ${opts.timeoutMs} ms`);
    }
    await sleep(POLL_MS);
  }
  try {
    if (job.status !== 'JOB_COMPLETED') throw new Error(`job ${jobId} ended ${job.status}: ${job.error}`);
    const ts: Record<string, number> = job.status_timestamp;
    const cpuAfter = await cpuOnceReaped(server.pid);
    const records = Object.values(job.metrics.recordCount as Record<string, number>).reduce((a, b) => a + b, 0);
    return {
      seconds: (statusTime(ts, 'JOB_COMPLETED') - postedAt) / 1000,
      records,
      memoryMiB: job.resources_usage.memoryUsage,
      cpu: cpuAfter.children - cpuBefore.children,
      serverCpu: cpuAfter.own - cpuBefore.own,
      phases: phaseDurations(ts),
      jobId,
    };
  } finally {
    await removeJobRoot(server, job.s3_root);
    await emptyDir(p.targetDir);
  }
}

/** When the job reached `status` (epoch ms), from its status_timestamp; a missing stamp is an error. */
export function statusTime(ts: Record<string, number>, status: string): number {
  const at = ts[status];
  if (at === undefined) throw new Error(`the job has no ${status} in its status_timestamp: ${JSON.stringify(ts)}`);
  return at;
}

/** The server's CPU times once the job process has exited and been waited for (its CPU is then counted). */
async function cpuOnceReaped(pid: number): Promise<ReturnType<typeof cpuSeconds>> {
  const deadline = Date.now() + 10_000;
  while (hasChildren(pid) && Date.now() < deadline) await sleep(20);
  return cpuSeconds(pid);
}

function phaseDurations(ts: Record<string, number>): PhaseDurations {
  const span = (from: string, to: string): number | undefined =>
    ts[from] !== undefined && ts[to] !== undefined ? (ts[to] - ts[from]) / 1000 : undefined;
  const out: PhaseDurations = {};
  const set = (k: keyof PhaseDurations, v: number | undefined): void => {
    if (v !== undefined) out[k] = v;
  };
  // "queued" covers the worker picking the job up, forking the job process and its start-up.
  set('queued', span('JOB_CREATED', ts.DISCOVER_STARTED !== undefined ? 'DISCOVER_STARTED' : 'SYNC_STARTED'));
  set('discover', span('DISCOVER_STARTED', 'DISCOVER_SUCCESS'));
  if (ts.ETL_STARTED !== undefined) {
    set('sync', span('SYNC_STARTED', 'SYNC_SUCCESS'));
    set('etl', span('ETL_STARTED', 'ETL_SUCCESS'));
    set('export', span('EXPORT_STARTED', 'JOB_COMPLETED'));
  } else {
    set('streaming', span('SYNC_STARTED', 'JOB_COMPLETED'));
  }
  return out;
}

export function formatPhases(p: PhaseDurations): string {
  return Object.entries(p)
    .map(([k, v]) => `${k} ${v!.toFixed(2)}`)
    .join(', ');
}

/**
 * Short jobs through a running Sinew, for the worker-scaling bench: the Node test pair (a few
 * records, no sleep: what dominates is everything around the connectors) on a v1-source flow, one
 * link per job so that no job waits for another of its link.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isTerminal } from '../src/model/job-phases.js';
import { SINGER_PAIRS } from './singer-pairs.js';

/** Calls the API with the environment key and returns the body (throws on an error status). */
export type Call = <T = any>(method: string, urlPath: string, body?: unknown) => Promise<T>;

export interface ShortJob {
  job_id: string;
  status: string;
  error: string | null;
  status_timestamp: Record<string, number>;
}

const FLOW = 'short-jobs';
const tenantOf = (i: number): string => `tenant-${i}`;

/** Registers the pair and the flow, and links `links` tenants. */
export async function setUpShortJobs(call: Call, envId: string, targetDir: string, links: number): Promise<void> {
  const pair = SINGER_PAIRS.node;
  await call('PUT', `/${envId}/connectors/short-tap`, { kind: 'source', command: pair.tap });
  await call('PUT', `/${envId}/connectors/short-target`, { kind: 'target', command: pair.target });
  // force_full_sync: every job sends its records (an incremental tap would have none left).
  await call('PUT', `/${envId}/flows/${FLOW}`, {
    name: FLOW,
    type: 'v1-source',
    connectors: ['short-tap'],
    target: { connector: 'short-target', config: { path: targetDir } },
    job_settings: { force_full_sync: true },
  });
  for (let i = 0; i < links; i++)
    await call('POST', `/${envId}/${FLOW}/${tenantOf(i)}/linkedSources`, { source: { tap: 'short-tap', config: { records: 3 } } });
  // A first job per link runs its discover; run them now so that measured jobs all look alike.
  await runAll(call, envId, links);
}

/** One job on each of the first `count` links, all submitted at once (8 requests in flight); resolves when all ended. */
export async function runAll(call: Call, envId: string, count: number): Promise<ShortJob[]> {
  const ids: [string, string][] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < count) {
        const tenant = tenantOf(next++);
        ids.push([tenant, (await call<ShortJob>('POST', `/${envId}/${FLOW}/${tenant}/jobs`, {})).job_id]);
      }
    }),
  );
  const out: ShortJob[] = [];
  for (const [tenant, id] of ids) out.push(await waitFor(call, envId, tenant, id));
  return out;
}

/** Jobs one after the other on link 0: nothing waits in the queue, so each shows its own latency. */
export async function runOneByOne(call: Call, envId: string, count: number): Promise<ShortJob[]> {
  const out: ShortJob[] = [];
  for (let i = 0; i < count; i++)
    out.push(await waitFor(call, envId, tenantOf(0), (await call<ShortJob>('POST', `/${envId}/${FLOW}/${tenantOf(0)}/jobs`, {})).job_id));
  return out;
}

async function waitFor(call: Call, envId: string, tenant: string, jobId: string): Promise<ShortJob> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const job = await call<ShortJob>('GET', `/${envId}/${FLOW}/${tenant}/jobs/${jobId}`);
    if (job.status === 'JOB_COMPLETED') return job;
    if (isTerminal(job.status)) throw new Error(`job ${jobId} ended ${job.status}: ${job.error}`);
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.status} after 120 s`);
    await sleep(20);
  }
}

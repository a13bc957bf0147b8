import { apiTargetFrom } from './api-target.js';
import { stringifyJson } from '../singer/lossless-json.js';
import { isTerminal } from '../model/job-phases.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { callApi, type ApiTarget } from './api-client.js';
import { parseCliArgs, UsageError } from './cli-args.js';
import { LogFollower } from './log-follower.js';
import { ProgressPrinter, type JobSnapshot } from './progress-line.js';

export const JOBS_USAGE = `sinew jobs run   --flow F --tenant T [--tap X | --connector C --type read|write] [--streaming] [--reset-state] [--queue] [--no-follow]
sinew jobs list  [--flow F] [--tenant T] [--type read|write] [--status S,...] [--limit N] [--before JOB_ID]   (without both --flow and --tenant: across the environment, with flow and tenant columns)
sinew jobs show  <job_id> --flow F --tenant T [--follow]
sinew jobs logs  <job_id> --flow F --tenant T [--follow]
  API from --url/SINEW_URL (default http://127.0.0.1:$PORT), --key/SINEW_API_KEY, --env/SINEW_ENV_ID (default dev.sinew.local)`;

const common = {
  url: { type: 'string' },
  key: { type: 'string' },
  env: { type: 'string' },
  flow: { type: 'string' },
  tenant: { type: 'string' },
} as const;


function tenantPath(t: ApiTarget, flow: string | undefined, tenant: string | undefined, v2 = false): string {
  if (!flow || !tenant) throw new UsageError('--flow and --tenant are required');
  return `${v2 ? '/v2' : ''}/${encodeURIComponent(t.env)}/${encodeURIComponent(flow)}/${encodeURIComponent(tenant)}`;
}

async function follow(t: ApiTarget, base: string, jobId: string, out: NodeJS.WriteStream): Promise<JobSnapshot> {
  const printer = new ProgressPrinter(out);
  for (;;) {
    const job = await callApi<JobSnapshot>(t, 'GET', `${base}/jobs/${encodeURIComponent(jobId)}`);
    printer.update(job);
    if (isTerminal(job.status)) {
      printer.done();
      return job;
    }
    await sleep(300);
  }
}

async function followLogs(t: ApiTarget, base: string, jobId: string, keepGoing: boolean): Promise<void> {
  const logsPath = `${base}/jobs/${encodeURIComponent(jobId)}/logs`;
  if (!keepGoing) {
    process.stdout.write(await callApi<string>(t, 'GET', logsPath));
    return;
  }
  const follower = new LogFollower(process.stdout);
  for (;;) {
    const job = await callApi<JobSnapshot>(t, 'GET', `${base}/jobs/${encodeURIComponent(jobId)}`);
    follower.update(await callApi<string>(t, 'GET', logsPath));
    if (isTerminal(job.status)) break;
    await sleep(500);
  }
  // The job process may write its last lines just after its status turns final (and remote
  // storage receives the logs when the process ends): one more read a moment later catches them.
  await sleep(500);
  follower.update(await callApi<string>(t, 'GET', logsPath));
}

/** `sinew jobs …`: runs and follows jobs through the HTTP API. Returns the exit code. */
export async function jobsCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'run') {
    const { values } = parseCliArgs(rest, {
      ...common,
      tap: { type: 'string' },
      connector: { type: 'string' },
      type: { type: 'string' },
      streaming: { type: 'boolean' },
      'reset-state': { type: 'boolean' },
      queue: { type: 'boolean' },
      'no-follow': { type: 'boolean' },
    });
    const t = apiTargetFrom(values);
    const v2 = values.connector !== undefined;
    const base = tenantPath(t, values.flow, values.tenant, v2);
    const body: Record<string, unknown> = {};
    if (values.tap) body.tap = values.tap;
    if (v2) body.connector_id = values.connector;
    if (values.type) body.job_type = values.type;
    if (values.streaming) body.streaming_job = true;
    if (values['reset-state']) body.reset_source_state = true;
    if (values.queue) body.queue_if_active_job = true;
    const created = await callApi<JobSnapshot & { s3_root: string }>(t, 'POST', `${base}/jobs`, body);
    process.stderr.write(`job ${created.job_id} created (root ${created.s3_root})\n`);
    if (values['no-follow']) {
      process.stdout.write(`${stringifyJson(created, 2)}\n`);
      return 0;
    }
    const final = await follow(t, base, created.job_id, process.stderr);
    process.stdout.write(`${stringifyJson(final, 2)}\n`);
    return final.status === 'JOB_COMPLETED' ? 0 : 1;
  }
  if (sub === 'list') {
    const { values } = parseCliArgs(rest, { ...common, limit: { type: 'string' }, status: { type: 'string' }, type: { type: 'string' }, before: { type: 'string' } });
    const t = apiTargetFrom(values);
    const query = new URLSearchParams();
    if (values.limit) query.set('limit', values.limit);
    if (values.status) query.set('status', values.status);
    if (values.before) query.set('before', values.before);
    type Listed = JobSnapshot & { start_time: string; tap: string; flow_id: string; tenant: string };
    if (values.flow && values.tenant && !values.type) {
      const jobs = await callApi<Listed[]>(t, 'GET', `${tenantPath(t, values.flow, values.tenant)}/jobs?${query}`);
      for (const j of jobs) process.stdout.write(`${j.job_id}\t${j.status}\t${j.start_time}\t${j.tap}\n`);
      return 0;
    }
    // Across the environment (GET /{env}/jobs), narrowed by whichever of flow, tenant and type are given.
    if (values.flow) query.set('flow_id', values.flow);
    if (values.tenant) query.set('tenant_id', values.tenant);
    if (values.type) query.set('job_type', values.type);
    const jobs = await callApi<Listed[]>(t, 'GET', `/${encodeURIComponent(t.env)}/jobs?${query}`);
    for (const j of jobs) process.stdout.write(`${j.job_id}\t${j.status}\t${j.start_time}\t${j.flow_id}\t${j.tenant}\t${j.tap}\n`);
    return 0;
  }
  if (sub === 'show' || sub === 'logs') {
    const { values, positionals } = parseCliArgs(rest, { ...common, follow: { type: 'boolean' } });
    const jobId = positionals[0];
    if (!jobId) throw new UsageError(`sinew jobs ${sub} needs a job id`);
    const t = apiTargetFrom(values);
    const base = tenantPath(t, values.flow, values.tenant);
    if (sub === 'logs') {
      await followLogs(t, base, jobId, values.follow ?? false);
      return 0;
    }
    const job = values.follow ? await follow(t, base, jobId, process.stderr) : await callApi<JobSnapshot>(t, 'GET', `${base}/jobs/${encodeURIComponent(jobId)}`);
    process.stdout.write(`${stringifyJson(job, 2)}\n`);
    return 0;
  }
  throw new UsageError(JOBS_USAGE);
}

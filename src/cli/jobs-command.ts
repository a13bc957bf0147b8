import { setTimeout as sleep } from 'node:timers/promises';
import { isTerminal } from '../model/job-phases.js';
import { stringifyJson } from '../singer/lossless-json.js';
import { type ApiTarget, callApi, type Job } from './api-client.js';
import { apiTargetFrom } from './api-target.js';
import { parseCliArgs, UsageError } from './cli-args.js';
import { LogFollower } from './log-follower.js';
import { ProgressPrinter } from './progress-line.js';

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

/** The flow and tenant a job command acts in, and whether through the v2 paths. */
interface JobScope {
  flow: string;
  tenant: string;
  v2: boolean;
}

function jobScope(flow: string | undefined, tenant: string | undefined, v2 = false): JobScope {
  if (!flow || !tenant) throw new UsageError('--flow and --tenant are required');
  return { flow, tenant, v2 };
}

const getJob = (t: ApiTarget, s: JobScope, jobId: string): Promise<Job> =>
  callApi(t, 'get', s.v2 ? '/v2/{env}/{flow}/{tenant}/jobs/{job_id}' : '/{env}/{flow}/{tenant}/jobs/{job_id}', {
    path: { flow: s.flow, tenant: s.tenant, job_id: jobId },
  });

const getLogs = (t: ApiTarget, s: JobScope, jobId: string): Promise<string> =>
  callApi(t, 'get', s.v2 ? '/v2/{env}/{flow}/{tenant}/jobs/{job_id}/logs' : '/{env}/{flow}/{tenant}/jobs/{job_id}/logs', {
    path: { flow: s.flow, tenant: s.tenant, job_id: jobId },
  });

async function follow(t: ApiTarget, s: JobScope, jobId: string, out: NodeJS.WriteStream): Promise<Job> {
  const printer = new ProgressPrinter(out);
  for (;;) {
    const job = await getJob(t, s, jobId);
    printer.update(job);
    if (isTerminal(job.status)) {
      printer.done();
      return job;
    }
    await sleep(300);
  }
}

async function followLogs(t: ApiTarget, s: JobScope, jobId: string, keepGoing: boolean): Promise<void> {
  if (!keepGoing) {
    process.stdout.write(await getLogs(t, s, jobId));
    return;
  }
  const follower = new LogFollower(process.stdout);
  for (;;) {
    const job = await getJob(t, s, jobId);
    follower.update(await getLogs(t, s, jobId));
    if (isTerminal(job.status)) break;
    await sleep(500);
  }
  // The job process may write its last lines just after its status turns final (and remote
  // storage receives the logs when the process ends): one more read a moment later catches them.
  await sleep(500);
  follower.update(await getLogs(t, s, jobId));
}

/** `sinew jobs …`: runs and follows jobs through the HTTP API. Returns the exit code. */
export async function jobsCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${JOBS_USAGE}\n`);
    return 0;
  }
  // `sinew jobs logs … | head`: the reader leaving is how such a pipe ends, not a failure.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
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
    const scope = jobScope(values.flow, values.tenant, values.connector !== undefined);
    const type = values.type;
    if (type !== undefined && type !== 'read' && type !== 'write') throw new UsageError(`--type is read or write, not ${type}`);
    const body = {
      ...(values.tap ? { tap: values.tap } : {}),
      ...(values.streaming ? { streaming_job: true } : {}),
      ...(values['reset-state'] ? { reset_source_state: true } : {}),
      ...(values.queue ? { queue_if_active_job: true } : {}),
    };
    const path = { flow: scope.flow, tenant: scope.tenant };
    const created = scope.v2
      ? await callApi(t, 'post', '/v2/{env}/{flow}/{tenant}/jobs', {
          path,
          body: { ...body, connector_id: values.connector, ...(type ? { job_type: type } : {}) },
        })
      : await callApi(t, 'post', '/{env}/{flow}/{tenant}/jobs', { path, body: { ...body, ...(type ? { job_type: type } : {}) } });
    process.stderr.write(`job ${created.job_id} created (root ${created.s3_root})\n`);
    if (values['no-follow']) {
      process.stdout.write(`${stringifyJson(created, 2)}\n`);
      return 0;
    }
    const final = await follow(t, scope, created.job_id, process.stderr);
    process.stdout.write(`${stringifyJson(final, 2)}\n`);
    return final.status === 'JOB_COMPLETED' ? 0 : 1;
  }
  if (sub === 'list') {
    const { values } = parseCliArgs(rest, {
      ...common,
      limit: { type: 'string' },
      status: { type: 'string' },
      type: { type: 'string' },
      before: { type: 'string' },
    });
    const t = apiTargetFrom(values);
    // The API checks the number (a 400 names a bad one); `Number('x')` is sent as NaN and refused there.
    const query = {
      ...(values.limit ? { limit: Number(values.limit) } : {}),
      ...(values.status ? { status: values.status } : {}),
      ...(values.before ? { before: values.before } : {}),
    };
    if (values.flow && values.tenant && !values.type) {
      const jobs = await callApi(t, 'get', '/{env}/{flow}/{tenant}/jobs', { path: { flow: values.flow, tenant: values.tenant }, query });
      for (const j of jobs) process.stdout.write(`${j.job_id}\t${j.status}\t${j.start_time}\t${j.tap}\n`);
      return 0;
    }
    // Across the environment (GET /{env}/jobs), narrowed by whichever of flow, tenant and type are given.
    const type = values.type;
    if (type !== undefined && type !== 'read' && type !== 'write') throw new UsageError(`--type is read or write, not ${type}`);
    const jobs = await callApi(t, 'get', '/{env}/jobs', {
      query: {
        ...query,
        ...(values.flow ? { flow_id: values.flow } : {}),
        ...(values.tenant ? { tenant_id: values.tenant } : {}),
        ...(type ? { job_type: type } : {}),
      },
    });
    for (const j of jobs) process.stdout.write(`${j.job_id}\t${j.status}\t${j.start_time}\t${j.flow_id}\t${j.tenant}\t${j.tap}\n`);
    return 0;
  }
  if (sub === 'show' || sub === 'logs') {
    const { values, positionals } = parseCliArgs(rest, { ...common, follow: { type: 'boolean' } });
    const jobId = positionals[0];
    if (!jobId) throw new UsageError(`sinew jobs ${sub} needs a job id`);
    const t = apiTargetFrom(values);
    const scope = jobScope(values.flow, values.tenant);
    if (sub === 'logs') {
      await followLogs(t, scope, jobId, values.follow ?? false);
      return 0;
    }
    const job = values.follow ? await follow(t, scope, jobId, process.stderr) : await getJob(t, scope, jobId);
    process.stdout.write(`${stringifyJson(job, 2)}\n`);
    return 0;
  }
  throw new UsageError(JOBS_USAGE);
}

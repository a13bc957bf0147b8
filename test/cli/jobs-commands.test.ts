import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LOUD_TAP } from '../support/loud-stderr.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { fixture, registerTestConnectors, sourceFlow } from '../support/singer-flow.js';
import { finished, REPO_ROOT, run, sinew, start } from './cli-process.js';

const LIFECYCLE = [
  'JOB_CREATED',
  'DISCOVER_STARTED',
  'DISCOVER_SUCCESS',
  'SYNC_STARTED',
  'SYNC_SUCCESS',
  'ETL_STARTED',
  'ETL_SUCCESS',
  'EXPORT_STARTED',
  'JOB_COMPLETED',
];
const EXAMPLE = ['--flow', 'example', '--tenant', 'example-tenant'];

/** Log text (as `jobs logs` prints it, headers possibly repeated) → section name → its whole text. */
function sectionsOf(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const headers = [...text.matchAll(/^==> (job|tap|target) <==\n/gm)];
  headers.forEach((h, i) => {
    const next = headers[i + 1];
    const start = h.index + h[0].length;
    // A chunk followed by another header carries the newline that separates them.
    out[h[1]!] = (out[h[1]!] ?? '') + (next ? text.slice(start, next.index - 1) : text.slice(start));
  });
  return out;
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('sinew jobs: the CLI against a real server', { concurrency: true }, () => {
  let h: Harness;
  let env: Record<string, string>;
  before(async () => {
    h = await startHarness({ example: true });
    env = { SINEW_URL: h.url, SINEW_API_KEY: h.key, SINEW_ENV_ID: h.envId };
  });
  after(async () => h.stop());

  test('jobs run follows the example job to the end; list, show and logs then find it', async () => {
    const r = await run(sinew('jobs', 'run', ...EXAMPLE), { env });
    assert.equal(r.code, 0, r.stderr);
    const job = JSON.parse(r.stdout);
    assert.equal(job.status, 'JOB_COMPLETED', job.error);
    assert.deepEqual(job.metrics.recordCount, { customers: 4, orders: 4 });
    const warehouse = await fs.readFile(path.join(h.dataDir, 'example/warehouse/orders.jsonl'), 'utf8');
    assert.match(warehouse, /"amount":12345678901234567890\.12[,}]/);

    // stderr is no TTY: one progress line per status change, no carriage returns.
    assert.doesNotMatch(r.stderr, /\r/);
    const [created, ...progress] = r.stderr.trim().split('\n');
    assert.equal(created, `job ${job.job_id} created (root ${job.s3_root})`);
    const statuses = progress.map((line) => {
      const m = new RegExp(`^${job.job_id} (\\w+) +(\\d+) records`).exec(line);
      assert.ok(m, `not a progress line: ${line}`);
      return m[1]!;
    });
    assert.equal(new Set(statuses).size, statuses.length, 'a line per change, not per poll');
    assert.deepEqual(
      statuses,
      LIFECYCLE.filter((s) => statuses.includes(s)),
      'in lifecycle order',
    );
    assert.match(progress.at(-1)!, / JOB_COMPLETED +8 records \(customers=4 orders=4\)/);
    // Past the sync every line shows what was synced, not 0 until the end (counts go with each status).
    for (const line of progress.filter((l) => / (SYNC_SUCCESS|ETL_\w+|EXPORT_\w+) /.test(l))) assert.match(line, / 8 records /, line);

    const list = await run(sinew('jobs', 'list', ...EXAMPLE, '--limit', '5'), { env });
    assert.equal(list.code, 0, list.stderr);
    assert.ok(
      list.stdout.split('\n').some((l) => l.startsWith(`${job.job_id}\tJOB_COMPLETED\t${job.start_time}\tcsv`)),
      list.stdout,
    );

    const show = await run(sinew('jobs', 'show', job.job_id, ...EXAMPLE), { env });
    assert.equal(show.code, 0, show.stderr);
    assert.deepEqual(JSON.parse(show.stdout), (await h.api('GET', `/${h.envId}/example/example-tenant/jobs/${job.job_id}`)).body);

    const logs = await run(sinew('jobs', 'logs', job.job_id, ...EXAMPLE), { env });
    assert.equal(logs.code, 0, logs.stderr);
    const sections = sectionsOf(logs.stdout);
    const logDir = path.join(h.dataDir, 'storage', h.envId, job.s3_root, 'logs');
    const files = (await fs.readdir(logDir)).filter((f) => f.endsWith('.log'));
    assert.ok(files.includes('job.log') && files.includes('tap.log'), files.join());
    for (const file of files) {
      const body = await fs.readFile(path.join(logDir, file), 'utf8');
      if (body) assert.equal(sections[file.replace('.log', '')], body, `${file} printed whole`);
    }
    assert.match(sections.job!, /status SYNC_STARTED\n/);
    assert.match(sections.tap!, /orders: 4 records/);
  });

  test('jobs logs --follow on a running job prints its logs as they grow and ends with the job', async () => {
    const { target } = await registerTestConnectors(h, 'node');
    // tap-numbers behind a line on stderr: the tap's log section then exists from the start while
    // the job log above it keeps growing, which is what --follow must get right.
    const tap = 'tap-numbers-chatty';
    const script = `echo "tap-numbers starting" >&2; exec "$0" "${fixture('tap-numbers.mjs')}" "$@"`;
    const registered = await h.api('PUT', `/${h.envId}/connectors/${tap}`, {
      kind: 'source',
      command: ['sh', '-c', script, process.execPath],
    });
    assert.equal(registered.status, 200, registered.text);
    await sourceFlow(h, {
      flow: 'slow',
      tap,
      target,
      outDir: await h.tmp('slow-out'),
      tenant: 'slow-tenant',
      // ~3 s of sync; the tap's log lines on stdout land in the job log as they come
      sourceConfig: { records: 15, sleep_ms: 100, log_to_stdout: true },
    });
    const created = await h.api('POST', `/${h.envId}/slow/slow-tenant/jobs`, {});
    assert.equal(created.status, 200, created.text);
    const id = created.body.job_id as string;
    const startedAt = Date.now();
    const follow = start(sinew('jobs', 'logs', id, '--flow', 'slow', '--tenant', 'slow-tenant', '--follow'), { env });
    follow.stdin!.end();
    const followed = await finished(follow);
    const endedAt = Date.now();
    assert.equal(followed.code, 0, followed.stderr);

    const job = (await h.api('GET', `/${h.envId}/slow/slow-tenant/jobs/${id}`)).body;
    assert.equal(job.status, 'JOB_COMPLETED', job.error);
    const completedAt = job.status_timestamp.JOB_COMPLETED as number;
    assert.ok(completedAt > startedAt, 'the job was still running when --follow started');
    assert.ok(endedAt >= completedAt, '--follow ended only once the job had');

    // Everything the logs hold was printed, once: the same sections, byte for byte.
    const final = await run(sinew('jobs', 'logs', id, '--flow', 'slow', '--tenant', 'slow-tenant'), { env });
    assert.equal(final.code, 0, final.stderr);
    assert.deepEqual(sectionsOf(followed.stdout), sectionsOf(final.stdout));
    const sections = sectionsOf(final.stdout);
    assert.match(sections.job!, /INFO tap-numbers: 30 records\n[\s\S]*status EXPORT_STARTED\n[\s\S]*finished\n$/);
    // The tap's stderr: its discover run, then its sync.
    assert.equal(sections.tap, 'tap-numbers starting\ntap-numbers starting\n');
  });

  test('jobs run exits 1 when the job fails, with the failed job on stdout', async () => {
    const { tap, target } = await registerTestConnectors(h, 'node');
    await sourceFlow(h, {
      flow: 'broken',
      tap,
      target,
      outDir: await h.tmp('broken-out'),
      tenant: 't',
      sourceConfig: { records: 5, fail_after: 2 },
    });
    const r = await run(sinew('jobs', 'run', '--flow', 'broken', '--tenant', 't'), { env });
    assert.equal(r.code, 1, r.stderr);
    const job = JSON.parse(r.stdout);
    assert.equal(job.status, 'SYNC_FAILED');
    assert.match(r.stderr, / SYNC_FAILED /);
  });

  test('jobs run --help prints the usage and exits 0; jobs logs into a pipe that closes early ends quietly', async () => {
    const help = await run(sinew('jobs', 'run', '--help'), { env: {} });
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^sinew jobs run +--flow F --tenant T/m);
    assert.equal(help.stderr, '');

    // A job whose tap log is 4 MiB, read through `| head -c 100`: the reader leaves long before the end.
    await h.api('PUT', `/${h.envId}/connectors/tap-loud`, { kind: 'source', command: [process.execPath, LOUD_TAP] });
    const { target } = await registerTestConnectors(h, 'node');
    await sourceFlow(h, {
      flow: 'loud',
      tap: 'tap-loud',
      target,
      outDir: await h.tmp('loud-out'),
      tenant: 't',
      sourceConfig: { stderr_bytes: 4 * 1024 * 1024 },
    });
    const job = await h.waitForJob('loud', 't', (await h.api('POST', `/${h.envId}/loud/t/jobs`, {})).body.job_id);
    assert.equal(job.status, 'JOB_COMPLETED', job.error);
    const cli = sinew('jobs', 'logs', job.job_id, '--flow', 'loud', '--tenant', 't');
    const quoted = [cli.file, ...cli.args].map((a) => `'${a}'`).join(' ');
    // pipefail: the exit status is the CLI's, not head's.
    const piped = await run(
      { file: '/bin/bash', args: ['-c', `set -o pipefail; cd '${REPO_ROOT}' && ${quoted} | head -c 100 > /dev/null`] },
      { env },
    );
    assert.equal(piped.code, 0, piped.stderr);
    assert.doesNotMatch(piped.stderr, /EPIPE|Error|at /);
  });

  test('a missing API key is a usage error (exit 2)', async () => {
    const r = await run(sinew('jobs', 'list', ...EXAMPLE), { env: { ...env, SINEW_API_KEY: undefined } });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /an API key is needed: --key or SINEW_API_KEY/);
  });

  test('a wrong API key exits 1 with UNAUTHORIZED', async () => {
    const r = await run(sinew('jobs', 'list', ...EXAMPLE, '--key', 'sk_wrong'), { env });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /UNAUTHORIZED/);
  });

  test('an unreachable server exits 1 and says so', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const r = await run(sinew('jobs', 'show', 'abc', ...EXAMPLE), { env: { ...env, SINEW_URL: url } });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`cannot reach Sinew at ${url}.*is \`sinew serve\` running\\?`));
  });

  test('jobs show of an unknown job exits 1 with NOT_FOUND; missing --flow is a usage error', async () => {
    const missing = await run(sinew('jobs', 'show', 'no-such-job', ...EXAMPLE), { env });
    assert.equal(missing.code, 1, missing.stderr);
    assert.match(missing.stderr, /NOT_FOUND/);
    const usage = await run(sinew('jobs', 'show', 'x', '--tenant', 'example-tenant'), { env });
    assert.equal(usage.code, 2, usage.stderr);
    assert.match(usage.stderr, /--flow and --tenant are required/);
  });
});

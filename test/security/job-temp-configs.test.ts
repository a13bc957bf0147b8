import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, type TestContext, test } from 'node:test';
import { jobSecretsRoot } from '../../src/jobs/job-secrets-dir.js';
import { startServerProcess } from '../support/server-process.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { fixture, registerTestConnectors } from '../support/singer-flow.js';
import { until } from '../support/until.js';
import { reportSecrets } from './attack-tally.js';

/** Files under `dir` (recursively) whose bytes contain `needle`. */
async function filesHolding(dir: string, needle: string): Promise<string[]> {
  const found: string[] = [];
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) found.push(...(await filesHolding(p, needle)));
    else if (e.isFile() && (await fs.readFile(p).catch(() => Buffer.alloc(0))).includes(needle)) found.push(p);
  }
  return found;
}

/** Everywhere a job's clear config could be left: Sinew's temp root, and the old `sinew-job-*` folders. */
async function leftovers(secret: string): Promise<string[]> {
  const old = (await fs.readdir(os.tmpdir())).filter((n) => n.startsWith('sinew-job-')).map((n) => path.join(os.tmpdir(), n));
  const found = await filesHolding(path.dirname(jobSecretsRoot()), secret);
  for (const dir of old) found.push(...(await filesHolding(dir, secret)));
  return found;
}

/** Reports what `leftovers` finds of `secret` (issue #12's counts), then asserts it is nothing. */
async function assertNoLeftovers(t: TestContext, secret: string, ending: string): Promise<void> {
  const found = await leftovers(secret);
  reportSecrets(t, 1, found.length, `temp folders after ${ending}`);
  assert.deepEqual(found, []);
}

/** The pid and the --config path of the running tap whose command line contains `needle`. */
async function runningTap(needle: string): Promise<{ pid: number; parent: number; config: string } | undefined> {
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = (await fs.readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (!argv.some((a) => a.includes(needle))) continue;
    const config = argv[argv.indexOf('--config') + 1];
    const status = await fs.readFile(`/proc/${entry}/status`, 'utf8').catch(() => '');
    const parent = Number(/^PPid:\s*(\d+)/m.exec(status)?.[1]);
    if (config && parent) return { pid: Number(entry), parent, config };
  }
  return undefined;
}

const gone = async (file: string): Promise<boolean> =>
  fs.access(file).then(
    () => false,
    () => true,
  );

describe("a job's clear config is removed however the job ends", () => {
  let h: Harness;
  let target: string;
  before(async () => {
    h = await startHarness();
    ({ target } = await registerTestConnectors(h, 'node'));
  });
  after(async () => h.stop());

  /** A slow job whose tap (a uniquely named copy) holds `secret` in its config; returns it running. */
  async function slowJob(name: string, secret: string, jobSettings: Record<string, unknown> = {}) {
    const tapCopy = path.join(await h.tmp('tap'), `tap-${name}-marker.py`);
    await fs.copyFile(fixture('tap-numbers.py'), tapCopy);
    await h.api('PUT', `/${h.envId}/connectors/tap-${name}`, { kind: 'source', command: ['python3', tapCopy] });
    const out = await h.tmp('out');
    const flow = await h.api('PUT', `/${h.envId}/flows/${name}`, {
      name,
      type: 'v1-source',
      connectors: [`tap-${name}`],
      target: { connector: target, config: { path: out } },
      job_settings: jobSettings,
    });
    assert.equal(flow.status, 200, flow.text);
    const link = await h.api('POST', `/${h.envId}/${name}/t/linkedSources`, {
      source: { tap: `tap-${name}`, config: { records: 100000, sleep_ms: 20, api_token: secret } },
    });
    assert.equal(link.status, 200, link.text);
    const created = await h.api('POST', `/${h.envId}/${name}/t/jobs`, {});
    assert.equal(created.status, 200, created.text);
    const tap = await until('the tap running', 30_000, () => runningTap(tapCopy));
    // While the job runs, its config is in clear in a private folder of Sinew's temp root.
    assert.ok(tap.config.startsWith(jobSecretsRoot() + path.sep), tap.config);
    assert.ok((await fs.readFile(tap.config, 'utf8')).includes(secret));
    assert.equal((await fs.stat(path.dirname(tap.config))).mode & 0o777, 0o700);
    return { jobId: created.body.job_id as string, tap };
  }

  test('cancel: the folder goes with the job process', async (t) => {
    const secret = `cancel-secret-${Math.random().toString(36).slice(2)}`;
    const { jobId, tap } = await slowJob('cancelled', secret);
    const cancelled = await h.api('POST', `/${h.envId}/cancelled/t/jobs/${jobId}/cancel`);
    assert.equal(cancelled.body.status, 'JOB_CANCELLED', cancelled.text);
    await until('the config folder removed', 20_000, () => gone(path.dirname(tap.config)));
    await assertNoLeftovers(t, secret, 'a cancel');
  });

  test('timeout: the folder goes when the job is stopped at its limit', async (t) => {
    const secret = `timeout-secret-${Math.random().toString(36).slice(2)}`;
    const { jobId, tap } = await slowJob('timedout', secret, { job_timeout_seconds: 6 });
    const job = await h.waitForJob('timedout', 't', jobId, { timeoutMs: 60_000 });
    assert.match(job.error, /job_timeout_seconds/);
    await until('the config folder removed', 20_000, () => gone(path.dirname(tap.config)));
    await assertNoLeftovers(t, secret, 'a timeout');
  });

  test('a SIGKILLed job process: its worker removes the folder', async (t) => {
    const secret = `crash-secret-${Math.random().toString(36).slice(2)}`;
    const { jobId, tap } = await slowJob('crashed', secret);
    // The tap's parent is the job process.
    process.kill(tap.parent, 'SIGKILL');
    const job = await h.waitForJob('crashed', 't', jobId, { timeoutMs: 30_000 });
    assert.match(job.error, /SIGKILL/);
    await until('the config folder removed', 20_000, () => gone(path.dirname(tap.config)));
    process.kill(tap.pid, 'SIGKILL'); // the tap's own group outlives a SIGKILLed parent
    await assertNoLeftovers(t, secret, 'a SIGKILLed job process');
  });
});

describe('when the job outlives its worker', () => {
  test('drain: a job handed back at stop leaves no config behind', async (t) => {
    const h = await startHarness();
    const secret = `drain-secret-${Math.random().toString(36).slice(2)}`;
    let config: string;
    try {
      config = await runSlowTap(h.url, h.key, h.envId, 'drained', secret, await h.tmp('d'));
    } finally {
      await h.stop(); // grace 0 in tests: the running job is handed back at once
    }
    assert.equal(await gone(path.dirname(config)), true);
    await assertNoLeftovers(t, secret, 'a drain');
  });

  test('a SIGKILLed worker: its job process removes the folder as it stops', async (t) => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sinew-lost-'));
    const env = { SINEW_DATA_DIR: dataDir, SINEW_ENV_ID: 'lost.test', SINEW_API_KEY: 'sk_lost_test_key_0123456789' };
    const server = await startServerProcess(env);
    const secret = `lost-secret-${Math.random().toString(36).slice(2)}`;
    try {
      const config = await runSlowTap(server.url, env.SINEW_API_KEY, env.SINEW_ENV_ID, 'lost', secret, dataDir);
      server.child.kill('SIGKILL');
      // The job process sees its IPC channel close ('disconnect') and exits: nobody else is left to clean.
      await until('the config folder removed', 20_000, () => gone(path.dirname(config)));
      await assertNoLeftovers(t, secret, 'a SIGKILLed worker');
    } finally {
      server.child.kill('SIGKILL');
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});

/** Starts a slow job through the API whose tap holds `secret` in its config; returns the config's path once it runs. */
async function runSlowTap(url: string, key: string, envId: string, name: string, secret: string, dir: string): Promise<string> {
  const call = async (method: string, p: string, body?: unknown): Promise<{ job_id?: string }> => {
    const res = await fetch(`${url}${p}`, {
      method,
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });
    assert.ok(res.ok, `${method} ${p}: ${res.status} ${await res.clone().text()}`);
    return (await res.json()) as { job_id?: string };
  };
  const tapCopy = path.join(dir, `tap-${name}-${Math.random().toString(36).slice(2)}-marker.py`);
  await fs.copyFile(fixture('tap-numbers.py'), tapCopy);
  const out = path.join(dir, `out-${name}`);
  await fs.mkdir(out, { recursive: true });
  await call('PUT', `/${envId}/connectors/tap-${name}`, { kind: 'source', command: ['python3', tapCopy] });
  await call('PUT', `/${envId}/flows/${name}`, {
    name,
    type: 'v1-source',
    connectors: [`tap-${name}`],
    target: { connector: 'jsonl', config: { path: out } },
  });
  await call('POST', `/${envId}/${name}/t/linkedSources`, {
    source: { tap: `tap-${name}`, config: { records: 100000, sleep_ms: 20, api_token: secret } },
  });
  await call('POST', `/${envId}/${name}/t/jobs`);
  const tap = await until('the tap running', 30_000, () => runningTap(tapCopy));
  assert.ok((await fs.readFile(tap.config, 'utf8')).includes(secret));
  return tap.config;
}

describe('the start-up sweep', () => {
  test("removes folders of dead processes and of an earlier process with this pid, keeps live ones'", async (t) => {
    const root = jobSecretsRoot();
    const secret = `swept-secret-${Math.random().toString(36).slice(2)}`;
    // A process that has exited: its pid is free (pids are not reused this quickly).
    const dead = spawn('true');
    const deadPid = await new Promise<number>((resolve) => dead.once('exit', () => resolve(dead.pid!)));
    const live = spawn('sleep', ['60']);
    const plant = async (name: string): Promise<string> => {
      const dir = path.join(root, name);
      await fs.mkdir(dir, { mode: 0o700 });
      await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify({ api_token: secret }));
      return dir;
    };
    const ofDead = await plant(`${deadPid}-abcdef012345-job-1-00`);
    const ofEarlierSelf = await plant(`${process.pid}-000000000000-job-2-00`);
    const ofLive = await plant(`${live.pid}-abcdef012345-job-3-00`);
    let h: Harness | undefined;
    try {
      h = await startHarness();
      assert.equal(await gone(ofDead), true, 'a dead process left its folder');
      assert.equal(await gone(ofEarlierSelf), true, 'an earlier process with this pid left its folder');
      assert.equal(await gone(ofLive), false, "a live process's folder was removed");
    } finally {
      await h?.stop();
      live.kill('SIGKILL');
      await fs.rm(ofLive, { recursive: true, force: true });
    }
    await assertNoLeftovers(t, secret, 'the start-up sweep');
  });
});

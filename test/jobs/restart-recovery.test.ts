import assert from 'node:assert/strict';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';
import { fixture } from '../support/singer-flow.js';
import { until } from '../support/until.js';

const ENV = 'restart.test';
const KEY = 'sk_restart_test_key_0123456789';

async function call(url: string, method: string, p: string, body?: unknown): Promise<any> {
  const res = await fetch(`${url}${p}`, {
    method,
    headers: { 'x-api-key': KEY, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`);
  return JSON.parse(text);
}

async function tapAlive(marker: string): Promise<boolean> {
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmd = await fs.readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes(marker)) return true;
  }
  return false;
}

const dirs: string[] = [];
let server: ServerProcess | undefined;
after(async () => {
  server?.child.kill('SIGKILL');
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
});

test('a server killed mid-job: its connectors stop, and on restart the job is failed and queued jobs run', async () => {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sinew-restart-'));
  const out = await fs.mkdtemp(path.join(os.tmpdir(), 'sinew-restart-out-'));
  dirs.push(dataDir, out);
  // A copy of the tap under a unique path, so the test can find exactly its processes.
  const tapCopy = path.join(dataDir, 'tap-restart-marker.mjs');
  await fs.copyFile(fixture('tap-numbers.mjs'), tapCopy);
  const env = { SINEW_DATA_DIR: dataDir, SINEW_ENV_ID: ENV, SINEW_API_KEY: KEY };
  server = await startServerProcess(env);
  await call(server.url, 'PUT', `/${ENV}/connectors/slow-tap`, { kind: 'source', command: [process.execPath, tapCopy] });
  await call(server.url, 'PUT', `/${ENV}/flows/f`, {
    name: 'f',
    type: 'v1-source',
    connectors: ['slow-tap'],
    target: { connector: 'jsonl', config: { path: out } },
  });
  await call(server.url, 'POST', `/${ENV}/f/t/linkedSources`, { source: { tap: 'slow-tap', config: { records: 100000, sleep_ms: 10 } } });
  const running = await call(server.url, 'POST', `/${ENV}/f/t/jobs`, {});
  const queued = await call(server.url, 'POST', `/${ENV}/f/t/jobs`, {
    queue_if_active_job: true,
    override_source_config: { records: 3, sleep_ms: 0 },
  });
  const firstUrl = server.url;
  await until(
    'the first job syncing',
    10_000,
    async () => (await call(firstUrl, 'GET', `/${ENV}/f/t/jobs/${running.job_id}`)).status === 'SYNC_STARTED',
  );
  assert.ok(await tapAlive('tap-restart-marker'));

  server.child.kill('SIGKILL');
  await once(server.child, 'exit');
  await until('the tap gone with its server', 5_000, async () => !(await tapAlive('tap-restart-marker')));

  // Restart on the same data dir: the stale job fails, the queued one (quick, by its overrides) runs.
  server = await startServerProcess(env);
  const stale = await call(server.url, 'GET', `/${ENV}/f/t/jobs/${running.job_id}`);
  assert.equal(stale.status, 'SYNC_FAILED');
  assert.match(stale.error, /stopped before it finished/);
  const restartedUrl = server.url;
  const last = await until('the queued job ended', 20_000, async () => {
    const j = await call(restartedUrl, 'GET', `/${ENV}/f/t/jobs/${queued.job_id}`);
    return j.status === 'JOB_COMPLETED' || j.status.endsWith('FAILED') ? j : undefined;
  });
  assert.equal(last.status, 'JOB_COMPLETED', last.error);
  server.child.kill('SIGTERM');
  const [code] = await once(server.child, 'exit');
  assert.equal(code, 0);
  server = undefined;
});

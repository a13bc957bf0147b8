import assert from 'node:assert/strict';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_ENV_ID } from '../../src/app/bootstrap.js';
import { type Receiver, startReceiver } from '../events/test-receiver.js';
import { migratedSchemaInPostgresMode, type PostgresTestSchema } from '../support/postgres-schema.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';
import { fixture } from '../support/singer-flow.js';
import { until } from '../support/until.js';

// No SINEW_ENV_ID / SINEW_API_KEY: the server creates its development environment and prints its
// environment and public keys once, on stderr — the logs (stdout) must never show them.
const ENV = DEFAULT_ENV_ID;
const LINK_PASSWORD = `link-pw-${Math.random().toString(36).slice(2)}`;
const OVERRIDE_SECRET = `override-secret-${Math.random().toString(36).slice(2)}`;
const WEBHOOK_SECRET = `whsec-${Math.random().toString(36).slice(2)}`;
const FLOW = 'logflow';
const TENANT = 'log-tenant';

type LogLine = Record<string, unknown> & { level: number; msg: string };

/**
 * A real `sinew serve` at info level runs a job whose link and overrides carry credentials, with a
 * webhook that refuses each first attempt; its stdout must be JSON lines, each line about the job
 * carrying its ids, and no secret anywhere.
 */
describe('structured JSON logs of a real server', () => {
  let dataDir: string;
  let pg: PostgresTestSchema | null = null;
  let rx: Receiver;
  let server: ServerProcess;
  let lines: LogLine[] = [];
  let stdout = '';
  let stderr = '';
  let jobId = '';
  let KEY = '';
  let publicKey = '';
  let tenantToken = '';
  const attempts = new Map<string, number>();

  const call = async (method: string, p: string, body?: unknown, headers: Record<string, string> = { 'x-api-key': KEY }) => {
    const res = await fetch(`${server.url}${p}`, {
      method,
      headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const ok = async (method: string, p: string, body?: unknown) => {
    const r = await call(method, p, body);
    assert.ok(r.status < 300, `${method} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };

  before(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sinew-logs-'));
    pg = await migratedSchemaInPostgresMode();
    rx = await startReceiver((r) => {
      const id = String(r.headers['x-sinew-event-id']);
      attempts.set(id, (attempts.get(id) ?? 0) + 1);
      return attempts.get(id) === 1 ? { status: 503, body: 'busy' } : { status: 200, body: 'ok' };
    });
    server = await startServerProcess(
      {
        SINEW_DATA_DIR: dataDir,
        SINEW_LOG_LEVEL: 'info',
        SINEW_WEBHOOK_ALLOW_LOOPBACK: 'true',
        SINEW_WEBHOOK_RETRY_SCHEDULE: '0.05,0.1',
        SINEW_EVENT_POLL_MS: '100',
        ...(pg ? { SINEW_DATABASE_URL: pg.url, SINEW_DATABASE_SCHEMA: pg.schema } : {}),
      },
      { captureStdout: true },
    );
    KEY = /Environment API key \(shown once, keep it\): (\S+)/.exec(server.stderr())?.[1] ?? '';
    publicKey = /Public key \(for the widget, with tenant tokens\): (\S+)/.exec(server.stderr())?.[1] ?? '';
    assert.ok(KEY !== '' && publicKey !== '', server.stderr());

    await ok('PUT', `/${ENV}/connectors/tap-logs`, { kind: 'source', command: [process.execPath, fixture('tap-numbers.mjs')] });
    await ok('PUT', `/${ENV}/connectors/target-logs`, { kind: 'target', command: [process.execPath, fixture('target-jsonl.mjs')] });
    await ok('PUT', `/${ENV}/flows/${FLOW}`, {
      name: FLOW,
      type: 'v1-source',
      connectors: ['tap-logs'],
      target: { connector: 'target-logs', config: { path: dataDir } },
    });
    await ok('PUT', `/${ENV}/settings`, { monitoring: { webhooks: { job_lifecycle: { url: `${rx.url}/jobs`, secret: WEBHOOK_SECRET } } } });
    await ok('POST', `/${ENV}/${FLOW}/${TENANT}/linkedSources`, {
      source: { tap: 'tap-logs', config: { records: 20, password: LINK_PASSWORD } },
    });
    tenantToken = (await ok('POST', `/tenant/${ENV}/${TENANT}/token`, {})).token;
    // The widget's way in: a public key with the tenant token in the query string.
    const widget = await call('GET', `/${ENV}/flows/supported?token=${tenantToken}`, undefined, { 'x-api-key': publicKey });
    assert.equal(widget.status, 200, JSON.stringify(widget.body));
    assert.equal((await call('GET', `/${ENV}/nothing/here?token=${tenantToken}`)).status, 404);

    jobId = (await ok('POST', `/${ENV}/${FLOW}/${TENANT}/jobs`, { override_source_config: { api_secret: OVERRIDE_SECRET } })).job_id;
    const job = await until('the job ended', 60_000, async () => {
      const j = await ok('GET', `/${ENV}/${FLOW}/${TENANT}/jobs/${jobId}`);
      return ['JOB_COMPLETED', 'SYNC_FAILED', 'ETL_FAILED', 'EXPORT_FAILED'].includes(j.status) ? j : undefined;
    });
    assert.equal(job.status, 'JOB_COMPLETED', job.error);
    const events = Object.keys(job.status_timestamp).length;
    await rx.waitFor((all) => all.filter((r) => r.body?.job_id === jobId).length === 2 * events);

    // SIGTERM: the server stops cleanly, so every line it wrote is in.
    server.child.kill('SIGTERM');
    await once(server.child, 'exit');
    stdout = server.stdout();
    stderr = server.stderr();
    lines = stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => {
        try {
          return JSON.parse(l) as LogLine;
        } catch {
          throw new Error(`a log line is not JSON: ${l}`);
        }
      });
  });
  after(async () => {
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await once(server.child, 'exit');
    }
    await rx.close();
    await pg?.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  test('every line is JSON; every line about the job carries job_id, env_id, flow_id and tenant', () => {
    const aboutJob = lines.filter((l) => l.job_id === jobId);
    assert.ok(aboutJob.length > 0, stdout);
    for (const l of aboutJob) assert.deepEqual([l.env_id, l.flow_id, l.tenant], [ENV, FLOW, TENANT], JSON.stringify(l));
    // Lines that name the job only in their text would escape a search by job_id.
    for (const l of lines) if (JSON.stringify(l).includes(jobId)) assert.equal(l.job_id, jobId, JSON.stringify(l));
  });

  test('the lifecycle logs each status change, event delivery its retries, the API each request', () => {
    const statuses = lines.filter((l) => l.job_id === jobId && l.msg === 'job status changed').map((l) => l.status);
    for (const s of ['JOB_CREATED', 'SYNC_STARTED', 'SYNC_SUCCESS', 'ETL_SUCCESS', 'EXPORT_STARTED', 'JOB_COMPLETED'])
      assert.ok(statuses.includes(s), `${s} in ${statuses.join()}`);
    const completed = lines.find((l) => l.job_id === jobId && l.status === 'JOB_COMPLETED');
    assert.equal(typeof completed?.duration_ms, 'number');

    const retries = lines.filter((l) => l.job_id === jobId && l.msg === 'event delivery attempt failed; will retry');
    assert.equal(retries.length, statuses.length, 'one retry line per event (each first attempt refused)');
    for (const r of retries)
      assert.deepEqual([r.destination, r.event_kind, r.status_code, r.attempt], ['webhook', 'job_lifecycle', 503, 1]);

    const requests = lines.filter((l) => l.msg === 'request completed');
    const create = requests.find((l) => l.method === 'POST' && l.route === '/:env/:flow/:tenant/jobs');
    assert.ok(create, JSON.stringify(requests.map((r) => `${r.method} ${r.route}`)));
    assert.deepEqual(
      [create.status_code, create.env_id, create.flow_id, create.tenant, create.auth],
      [200, ENV, FLOW, TENANT, 'environment'],
    );
    assert.equal(typeof create.duration_ms, 'number');
    assert.equal(create.level, 30, 'info');
    const get = requests.find((l) => l.route === '/:env/:flow/:tenant/jobs/:job_id');
    assert.equal(get?.job_id, jobId);
    const widget = requests.find((l) => l.route === '/:env/flows/supported');
    assert.deepEqual([widget?.auth, widget?.tenant, widget?.env_id], ['tenant', TENANT, ENV], 'the tenant of a tenant token');
    const missing = requests.find((l) => l.status_code === 404);
    assert.deepEqual([missing?.route, missing?.path], [null, `/${ENV}/nothing/here`], 'an unmatched path, without its query string');
  });

  test('no secret in the logs: API key, public key, tenant token, link password, override config, webhook secret', () => {
    assert.ok(KEY.length > 16 && publicKey.length > 16 && tenantToken.length > 20);
    for (const secret of [KEY, publicKey, tenantToken, LINK_PASSWORD, OVERRIDE_SECRET, WEBHOOK_SECRET]) {
      assert.equal(stdout.includes(secret), false, `stdout shows ${secret.slice(0, 8)}…`);
    }
    for (const secret of [tenantToken, LINK_PASSWORD, OVERRIDE_SECRET, WEBHOOK_SECRET])
      assert.equal(stderr.includes(secret), false, `stderr shows ${secret.slice(0, 8)}…`);
  });
});

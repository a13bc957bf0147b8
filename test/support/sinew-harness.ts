import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type RunningSinew, startSinew } from '../../src/app/start-sinew.js';
import { readRuntimeConfig } from '../../src/config/runtime-config.js';
import { isTerminal, type JobStatus } from '../../src/model/job.js';
import type { RoleSelection } from '../../src/runtime/background-role.js';
import { migratedSchemaInPostgresMode, type PostgresTestSchema } from './postgres-schema.js';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

export interface Harness {
  url: string;
  envId: string;
  key: string;
  dataDir: string;
  /** The PostgreSQL schema the server uses (SINEW_TEST_DATABASE=postgres); null on SQLite (`sinew.db` in dataDir). */
  pg: PostgresTestSchema | null;
  sinew: RunningSinew;
  /** Calls the API with the environment key (or `opts.key`); never throws on a 4xx. */
  api<T = any>(
    method: string,
    urlPath: string,
    body?: unknown,
    opts?: { key?: string | null; headers?: Record<string, string>; rawBody?: string },
  ): Promise<ApiResponse<T>>;
  /** Polls a job until it ends; returns the final job. */
  waitForJob(
    flow: string,
    tenant: string,
    jobId: string,
    opts?: { timeoutMs?: number; until?: (status: JobStatus) => boolean },
  ): Promise<any>;
  tmp(name: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A real Sinew (API + worker, or the `roles` asked for) on a random loopback port with its own
 * data dir — and, with SINEW_TEST_DATABASE=postgres, its own PostgreSQL schema. Everything is removed by stop().
 */
export async function startHarness(
  opts: { example?: boolean; env?: Record<string, string>; roles?: RoleSelection } = {},
): Promise<Harness> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sinew-test-'));
  // SINEW_TEST_DATABASE=postgres runs the same suites against PostgreSQL, each harness in its own schema.
  const pg = await migratedSchemaInPostgresMode();
  const envId = 'test.sinew.local';
  const key = `sk_test_${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
  const config = readRuntimeConfig({
    PORT: '0',
    SINEW_DATA_DIR: dataDir,
    SINEW_ENV_ID: envId,
    SINEW_API_KEY: key,
    SINEW_LOG_LEVEL: 'warn',
    SINEW_EXAMPLE: opts.example ? 'true' : 'false',
    SINEW_WORKER_CONCURRENCY: '4',
    // A test that ends with a job still running need not wait for it: it is handed back at once.
    SINEW_WORKER_GRACE_MS: '0',
    ...(pg ? { SINEW_DATABASE_URL: pg.url, SINEW_DATABASE_SCHEMA: pg.schema } : {}),
    // The fake APIs and the test database listen on loopback, which PostgreSQL (production) mode
    // refuses by default: the harness allows it as the embedded default does, unless the test
    // decides (the address-policy tests set the flag themselves).
    ...(pg && !opts.env?.SINEW_OUTBOUND_ALLOW_LOOPBACK && !opts.env?.SINEW_WEBHOOK_ALLOW_LOOPBACK
      ? { SINEW_OUTBOUND_ALLOW_LOOPBACK: 'true' }
      : {}),
    ...(opts.env ?? {}),
  });
  const sinew = await startSinew(config, opts.roles);
  const api: Harness['api'] = async (method, urlPath, body, o = {}) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    const k = o.key === undefined ? key : o.key;
    if (k !== null) headers['x-api-key'] = k;
    let payload: string | undefined = o.rawBody;
    if (body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const res = await fetch(`${sinew.url}${urlPath}`, { method, headers, body: payload });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed as any, text, headers: res.headers };
  };
  const tmpDirs: string[] = [];
  return {
    url: sinew.url,
    envId,
    key,
    dataDir,
    pg,
    sinew,
    api,
    async waitForJob(flow, tenant, jobId, w = {}) {
      const deadline = Date.now() + (w.timeoutMs ?? 60_000);
      const until = w.until ?? isTerminal;
      for (;;) {
        const res = await api('GET', `/${envId}/${flow}/${tenant}/jobs/${jobId}`);
        if (res.status !== 200) throw new Error(`GET job ${jobId}: ${res.status} ${res.text}`);
        if (until(res.body.status)) return res.body;
        if (Date.now() > deadline) throw new Error(`job ${jobId} still ${res.body.status} after ${w.timeoutMs ?? 60_000} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async tmp(name) {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), `sinew-${name}-`));
      tmpDirs.push(dir);
      return dir;
    },
    async stop() {
      await sinew.stop();
      await pg?.drop();
      await fs.rm(dataDir, { recursive: true, force: true });
      for (const d of tmpDirs) await fs.rm(d, { recursive: true, force: true });
    },
  };
}

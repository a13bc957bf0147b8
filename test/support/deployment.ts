import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { applyMigrations } from '../../src/app/apply-migrations.js';
import { requestApi } from '../../src/cli/api-client.js';
import { readRuntimeConfig } from '../../src/config/runtime-config.js';
import { createPostgresSchema, type PostgresTestSchema } from './postgres-schema.js';
import { type Role, type RoleProcess, startRole } from './role-process.js';

/** A job row as the tests read it, with its lease. */
export interface JobRow {
  job_id: string;
  flow_id: string;
  tenant: string;
  status: string;
  lease_owner: string | null;
}

/** A job lifecycle event as written to the outbox. */
export interface LifecycleEvent {
  /** The outbox id, sent to webhooks as x-sinew-event-id. */
  event_id: string;
  job_id: string;
  status: string;
  message: string | null;
  error: string | null;
  /** When the event was committed (epoch ms). */
  at: number;
}

export interface Deployment {
  schema: PostgresTestSchema;
  envId: string;
  /** The SINEW_* variables every process of this deployment runs with. */
  env: Record<string, string>;
  /** `sinew migrate` (done at start unless `migrated: false`). */
  migrate(): Promise<void>;
  /** Starts `sinew <role>` on this deployment's database and data dir. */
  start(role: Role, extraEnv?: Record<string, string>, args?: string[]): Promise<RoleProcess>;
  /** Calls the first API process with the environment key. */
  api<T = any>(method: string, urlPath: string, body?: unknown): Promise<T>;
  jobs(): Promise<JobRow[]>;
  events(): Promise<LifecycleEvent[]>;
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  dir(name: string): Promise<string>;
  dispose(): Promise<void>;
}

/**
 * A production-mode deployment for one test: its own PostgreSQL schema (migrated as `sinew migrate`
 * does), a data dir shared by its processes (local storage stands in for S3), one environment key,
 * and the roles started as separate processes — compiled (`node bin/sinew.js`, as deployed, and far
 * cheaper per job process) unless `compiled: false`. dispose() kills what is left and drops it all.
 */
export async function startDeployment(
  opts: { env?: Record<string, string>; compiled?: boolean; migrated?: boolean } = {},
): Promise<Deployment> {
  const schema = await createPostgresSchema();
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sinew-deploy-'));
  const envId = 'deploy.sinew.local';
  const key = `sk_test_deploy_${Math.random().toString(36).slice(2)}`;
  const base = {
    SINEW_DATABASE_URL: schema.url,
    SINEW_DATABASE_SCHEMA: schema.schema,
    SINEW_DATA_DIR: dataDir,
    SINEW_ENV_ID: envId,
    SINEW_API_KEY: key,
    SINEW_SECRET_KEY: 'a-test-secret-key-that-every-process-shares',
    ...opts.env,
  };
  const migrate = async (): Promise<void> => void (await applyMigrations(readRuntimeConfig(base)));
  if (opts.migrated !== false) await migrate();
  const db = new pg.Client({ connectionString: schema.url, options: `-c search_path=${schema.schema}` });
  await db.connect();
  const processes: RoleProcess[] = [];
  let apiUrl = '';
  const query = async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> =>
    (await db.query<R>(text, values)).rows;
  return {
    schema,
    envId,
    env: base,
    migrate,
    async start(role, extraEnv = {}, args = []) {
      const p = await startRole(role, { ...base, ...extraEnv }, { compiled: opts.compiled !== false, args });
      processes.push(p);
      if (!apiUrl && p.url) apiUrl = p.url;
      return p;
    },
    api: (method, urlPath, body) => requestApi({ url: apiUrl, key, env: envId }, method, urlPath, body),
    jobs: () => query<JobRow>('select job_id, flow_id, tenant, status, lease_owner from jobs order by created_seq'),
    async events() {
      const rows = await query<{ event_id: string; payload: string; created_at: string }>(
        "select event_id, payload, created_at from events where kind = 'job_lifecycle' order by seq",
      );
      return rows.map((r) => {
        const p = JSON.parse(r.payload) as { job_id: string; status: string; message: string | null; error: string | null };
        return {
          event_id: r.event_id,
          job_id: p.job_id,
          status: p.status,
          message: p.message,
          error: p.error,
          at: Date.parse(r.created_at),
        };
      });
    },
    query,
    async dir(name) {
      const d = path.join(dataDir, name);
      await fs.mkdir(d, { recursive: true });
      return d;
    },
    async dispose() {
      for (const p of processes) await p.stop('SIGKILL');
      await db.end();
      await schema.drop();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

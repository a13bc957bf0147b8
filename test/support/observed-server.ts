import assert from 'node:assert/strict';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Receiver, startReceiver } from '../events/test-receiver.js';
import { migratedSchemaInPostgresMode, type PostgresTestSchema } from './postgres-schema.js';
import { type ServerProcess, startServerProcess } from './server-process.js';

export interface ObservedServer {
  server: ServerProcess;
  dataDir: string;
  /** A webhook receiver on loopback, for the server's events. */
  rx: Receiver;
  /** Calls the API with the environment key; every answer is also kept in `responses`. */
  call(method: string, p: string, body?: unknown): Promise<{ status: number; text: string }>;
  /** As call, asserting a 2xx; the parsed body (null when empty). */
  ok(method: string, p: string, body?: unknown): Promise<any>;
  responses: Array<{ route: string; status: number; text: string }>;
  /** SIGTERM, then everything the server wrote (stdout and stderr): a clean stop flushes every line. */
  stopAndReadOutput(): Promise<string>;
  dispose(): Promise<void>;
}

/**
 * `sinew serve` as a child process whose every output is kept (debug logs on stdout), with its own
 * data dir (and PostgreSQL schema in the suites' PostgreSQL mode), its environment and key, and a
 * webhook receiver: what the secret-leak suites need to search everything a server emits.
 */
export async function startObservedServer(label: string, envId: string, key: string): Promise<ObservedServer> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), `sinew-${label}-`));
  const pg: PostgresTestSchema | null = await migratedSchemaInPostgresMode();
  const rx = await startReceiver();
  const server = await startServerProcess(
    {
      SINEW_DATA_DIR: dataDir,
      SINEW_ENV_ID: envId,
      SINEW_API_KEY: key,
      SINEW_LOG_LEVEL: 'debug',
      SINEW_WEBHOOK_ALLOW_LOOPBACK: 'true',
      SINEW_EVENT_POLL_MS: '100',
      ...(pg ? { SINEW_DATABASE_URL: pg.url, SINEW_DATABASE_SCHEMA: pg.schema } : {}),
    },
    { captureStdout: true },
  );
  const responses: ObservedServer['responses'] = [];
  const call = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${server.url}${p}`, {
      method,
      headers: { 'x-api-key': key, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    responses.push({ route: `${method} ${p}`, status: res.status, text });
    return { status: res.status, text };
  };
  const running = () => server.child.exitCode === null && server.child.signalCode === null;
  return {
    server,
    dataDir,
    rx,
    call,
    responses,
    async ok(method, p, body) {
      const r = await call(method, p, body);
      assert.ok(r.status < 300, `${method} ${p}: ${r.status} ${r.text}`);
      return r.text === '' ? null : JSON.parse(r.text);
    },
    async stopAndReadOutput() {
      if (running()) {
        server.child.kill('SIGTERM');
        await once(server.child, 'exit');
      }
      return `${server.stdout()}\n${server.stderr()}`;
    },
    async dispose() {
      if (running()) {
        server.child.kill('SIGKILL');
        await once(server.child, 'exit');
      }
      await rx.close();
      await pg?.drop();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

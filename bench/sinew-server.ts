import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectorEnvironment } from './connector-environment.js';
import { killGroup, onCleanup, trackProcessGroup } from './exit-cleanup.js';
import { makeTempDir, type TempDir } from './temp-dir.js';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ApiResponse<T> {
  status: number;
  body: T;
  text: string;
}

export interface SinewServer {
  url: string;
  envId: string;
  /** The environment API key (for clients other than api()). */
  key: string;
  dataDir: string;
  pid: number;
  /** Calls the API with the environment key; throws on any status >= 400. */
  api<T = any>(method: string, urlPath: string, body?: unknown): Promise<ApiResponse<T>>;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 10_000;

/**
 * `node bin/sinew.js serve` (or `api`: the API role alone, no worker or scheduler touching the data)
 * from dist/ as a child process, on a random port with a temp data dir.
 * A child (not startSinew in this process) so the server, and the job processes it forks, run the
 * compiled JavaScript exactly as `npm start` does — never through tsx — and so the benchmark's own
 * polling does not share their event loop.
 */
export async function startSinewServer(
  opts: { env?: Record<string, string>; root?: string | null; command?: 'serve' | 'api' } = {},
): Promise<SinewServer> {
  const root = opts.root ?? REPO_ROOT;
  if (!existsSync(path.join(root, 'dist/cli/main.js'))) throw new Error(`${root}/dist/ is missing: run \`npm run build\``);
  const data: TempDir = await makeTempDir('data');
  const envId = opts.env?.SINEW_ENV_ID ?? 'bench.sinew.local';
  const key = opts.env?.SINEW_API_KEY ?? `sk_bench_${randomBytes(16).toString('hex')}`;
  const child = spawn(process.execPath, [path.join(root, 'bin/sinew.js'), opts.command ?? 'serve'], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'inherit', 'pipe'],
    env: {
      ...connectorEnvironment(),
      PORT: '0',
      HOST: '127.0.0.1',
      SINEW_DATA_DIR: data.path,
      SINEW_ENV_ID: envId,
      SINEW_API_KEY: key,
      SINEW_EXAMPLE: 'false',
      SINEW_LOG_LEVEL: 'warn',
      SINEW_WORKER_CONCURRENCY: '1',
      ...(opts.env ?? {}),
    },
  });
  const untrack = trackProcessGroup(child.pid!);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await stopChild(child);
    untrack();
    await data.remove();
  };
  const unregister = onCleanup(stop);
  try {
    const url = await listeningUrl(child);
    const api = async <T>(method: string, urlPath: string, body?: unknown): Promise<ApiResponse<T>> => {
      const headers: Record<string, string> = { 'x-api-key': key };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${url}${urlPath}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      if (res.status >= 400) throw new Error(`${method} ${urlPath}: ${res.status} ${text}`);
      return { status: res.status, body: parsed as T, text };
    };
    return {
      url,
      envId,
      key,
      dataDir: data.path,
      pid: child.pid!,
      api,
      async stop() {
        unregister();
        await stop();
      },
    };
  } catch (e) {
    unregister();
    await stop();
    throw e;
  }
}

/** The URL from the "Sinew is listening on …" line; the rest of stderr is passed through. */
function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    let found = false;
    const timer = setTimeout(
      () => reject(new Error(`sinew serve did not listen within ${START_TIMEOUT_MS} ms: ${seen}`)),
      START_TIMEOUT_MS,
    );
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      if (found) {
        process.stderr.write(chunk);
        return;
      }
      seen += chunk;
      const url = /listening on (http:\/\/\S+)/.exec(seen)?.[1];
      if (url) {
        found = true;
        clearTimeout(timer);
        resolve(url);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (!found) reject(new Error(`sinew serve exited (${signal ?? code}) before listening: ${seen}`));
    });
  });
}

/** SIGTERM (Sinew stops its worker, which kills running jobs), then SIGKILL to the group after a grace. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => killGroup(child.pid!, 'SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

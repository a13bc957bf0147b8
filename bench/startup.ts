/**
 * Start-up time: from spawning the server to `GET /health` answering 200, on a warm install (dist/
 * built, node_modules present). Two commands — `npm start` (what users type; npm itself costs a few
 * hundred ms) and `node bin/sinew.js serve` (what `npm start` runs) — each with a fresh temp data
 * dir (first start: secret key, SQLite schema, environment, example flow) and with an existing one.
 * Defaults otherwise, as a user gets them (example flow included). Target (issue #19): under 1 s on a warm install.
 * Usage: node --import tsx bench/startup.ts [--repeat K (default 5)] [--no-build] [--sinew-root DIR]
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { parseBenchOptions } from './bench-options.js';
import { buildDist } from './build-dist.js';
import { runMain, trackProcessGroup } from './exit-cleanup.js';
import { describeMachine } from './machine-load.js';
import { median } from './median.js';
import { REPO_ROOT, stopChild } from './sinew-server.js';
import { makeTempDir } from './temp-dir.js';
import { formatTable, seconds } from './text-table.js';

const TARGET_SECONDS = 1;
const GIVE_UP_MS = 30_000;

type Launcher = 'npm start' | 'node bin/sinew.js serve';

/** A port free right now (the kernel picks it; the tiny race with other programs is acceptable here). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Seconds from spawn to the first 200 from /health (polled every 10 ms); the server is then stopped. */
async function timeStart(launcher: Launcher, root: string, dataDir: string): Promise<number> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    SINEW_DATA_DIR: dataDir,
    SINEW_LOG_LEVEL: 'warn',
  };
  for (const k of ['SINEW_ENV_ID', 'SINEW_API_KEY', 'SINEW_DATABASE_URL', 'SINEW_STORAGE_URL', 'SINEW_EXAMPLE']) delete env[k];
  const [command, args] =
    launcher === 'npm start' ? ['npm', ['start', '--silent']] : [process.execPath, [path.join(root, 'bin/sinew.js'), 'serve']];
  const started = performance.now();
  const child = spawn(command, args, { cwd: root, env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  const untrack = trackProcessGroup(child.pid!);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-4000)));
  try {
    const url = `http://127.0.0.1:${port}/health`;
    for (;;) {
      if (await healthy(url)) return (performance.now() - started) / 1000;
      if (child.exitCode !== null) throw new Error(`${launcher} exited with ${child.exitCode} before /health answered: ${stderr}`);
      if (performance.now() - started > GIVE_UP_MS)
        throw new Error(`${launcher}: /health did not answer within ${GIVE_UP_MS} ms: ${stderr}`);
      await sleep(10);
    }
  } finally {
    // npm runs sh → node: the whole group goes.
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      /* gone */
    }
    await stopChild(child);
    untrack();
  }
}

interface StartupRow {
  launcher: Launcher;
  dataDir: 'fresh' | 'existing';
  runs: number[];
}

export async function measureStartup(repeat: number, root: string): Promise<StartupRow[]> {
  const rows: StartupRow[] = [];
  for (const launcher of ['npm start', 'node bin/sinew.js serve'] as const) {
    const fresh: number[] = [];
    for (let i = 0; i < repeat; i++) {
      const dir = await makeTempDir('startup-fresh');
      try {
        fresh.push(await timeStart(launcher, root, dir.path));
      } finally {
        await dir.remove();
      }
    }
    rows.push({ launcher, dataDir: 'fresh', runs: fresh });
    const existing = await makeTempDir('startup-existing');
    const runs: number[] = [];
    try {
      await timeStart(launcher, root, existing.path); // creates the data dir's content; not counted
      for (let i = 0; i < repeat; i++) runs.push(await timeStart(launcher, root, existing.path));
      rows.push({ launcher, dataDir: 'existing', runs });
    } finally {
      await existing.remove();
    }
    process.stdout.write(`  ${launcher}: fresh ${fresh.map(seconds).join(' ')} s; existing ${runs.map(seconds).join(' ')} s\n`);
  }
  return rows;
}

export function formatStartup(rows: StartupRow[]): string {
  const table = rows.map((r) => {
    const m = median(r.runs);
    return [
      r.launcher,
      r.dataDir,
      seconds(m),
      r.runs.map(seconds).join(' '),
      `< ${TARGET_SECONDS} s`,
      m < TARGET_SECONDS ? 'met' : 'MISSED',
    ];
  });
  return [
    `## Start-up: spawn → GET /health 200 (warm install, median of ${rows[0]?.runs.length ?? 0})`,
    `# ${describeMachine()}`,
    '',
    formatTable(['command', 'data dir', 'median s', 'runs (s)', 'target', 'verdict'], table),
    '',
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runMain(async () => {
    const options = parseBenchOptions(process.argv.slice(2), { repeat: 5 });
    buildDist(options.noBuild || options.sinewRoot !== null);
    process.stdout.write(`\n${formatStartup(await measureStartup(options.repeat, options.sinewRoot ?? REPO_ROOT))}`);
  });
}

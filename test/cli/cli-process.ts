import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The `sinew` command as a user runs it: a real child process on the TypeScript sources. Always
 * asynchronous, because a test that starts a server in its own process would otherwise block the
 * server's event loop while waiting for the CLI that calls it.
 */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI_MAIN = path.join(REPO_ROOT, 'src/cli/main.ts');
const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/singer');

export interface Command {
  file: string;
  args: string[];
}

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Added to a copy of this process's environment from which every SINEW_* variable was removed. */
  env?: Record<string, string | undefined>;
  stdin?: string;
  timeoutMs?: number;
}

/** `sinew <args…>`. */
export function sinew(...args: string[]): Command {
  return { file: process.execPath, args: ['--import', 'tsx', CLI_MAIN, ...args] };
}

/** A fixture Singer program: `.py` runs with python3, `.mjs` with this node. */
export function fixtureProgram(name: string, ...args: string[]): Command {
  const file = path.join(FIXTURES, name);
  return name.endsWith('.py') ? { file: 'python3', args: [file, ...args] } : { file: process.execPath, args: [file, ...args] };
}

/** This process's environment without SINEW_* (a developer's own settings must not leak in), plus `extra`. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('SINEW_')) env[k] = v;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function start(command: Command, opts: RunOptions = {}): ChildProcess {
  return spawn(command.file, command.args, { cwd: REPO_ROOT, env: cleanEnv(opts.env), stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Collects a started process's output until it exits; kills it past the timeout. */
export function finished(child: ChildProcess, timeoutMs = 60_000, collectStdout = true): Promise<ProcessResult> {
  let stdout = '';
  let stderr = '';
  if (collectStdout) child.stdout?.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`process ${child.pid} did not end within ${timeoutMs} ms; stderr so far:\n${stderr}`));
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export async function run(command: Command, opts: RunOptions = {}): Promise<ProcessResult> {
  const child = start(command, opts);
  const result = finished(child, opts.timeoutMs);
  child.stdin?.end(opts.stdin ?? '');
  return result;
}

/** `producer | consumer`, as a shell (or Meltano) would connect them. */
export async function pipe(
  producer: Command,
  consumer: Command,
  opts: RunOptions = {},
): Promise<{ producer: ProcessResult; consumer: ProcessResult }> {
  const a = start(producer, opts);
  const b = start(consumer, opts);
  a.stdin?.end();
  a.stdout!.pipe(b.stdin!);
  const [pa, pb] = await Promise.all([finished(a, opts.timeoutMs, false), finished(b, opts.timeoutMs)]);
  return { producer: pa, consumer: pb };
}

/** A temp dir for one test, removed by the returned cleanup. */
export async function tempDir(name: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `sinew-cli-${name}-`));
  return { dir, remove: () => fs.rm(dir, { recursive: true, force: true }) };
}

/** Writes `value` as JSON to `dir/name` and returns the path. */
export async function writeJson(dir: string, name: string, value: unknown): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, JSON.stringify(value));
  return file;
}

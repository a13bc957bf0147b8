import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { connectorEnvironment } from './connector-environment.js';
import { cpuSeconds } from './cpu-time.js';
import { killGroup, trackProcessGroup } from './exit-cleanup.js';

export interface TimedRun {
  seconds: number;
  /** user + system CPU seconds of the whole command (shell, tap, target) */
  cpu: number;
}

const STDERR_TAIL = 4000;

/** Quotes one word for /bin/sh. */
export const shellWord = (word: string): string => `'${word.replaceAll("'", `'\\''`)}'`;

/**
 * Runs a /bin/sh command line (in its own process group, killed if the benchmark dies) and times it
 * from spawn to exit. Redirections and pipes are the shell's, so the benchmark itself never touches
 * the data: `tap > file`, `target < file` and `tap | target` are exactly what they say.
 */
export async function runTimedShell(script: string, opts: { cwd: string; timeoutMs: number }): Promise<TimedRun> {
  // The shell is waited for by this process, and waits for its own children: their CPU time shows
  // up in this process's `children` total once it has exited.
  const cpuBefore = cpuSeconds().children;
  const started = performance.now();
  const child = spawn('/bin/sh', ['-c', script], {
    cwd: opts.cwd,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: connectorEnvironment(),
  });
  const untrack = trackProcessGroup(child.pid!);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL);
  });
  const timer = setTimeout(() => killGroup(child.pid!, 'SIGKILL'), opts.timeoutMs);
  try {
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (c, s) => resolve([c, s]));
    });
    const seconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`\`${script}\` failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`);
    return { seconds, cpu: cpuSeconds().children - cpuBefore };
  } finally {
    clearTimeout(timer);
    untrack();
  }
}

const words = (command: string[]): string => command.map(shellWord).join(' ');

/** `tap --config c > file` */
export function tapToFile(tap: string[], configPath: string, outFile: string, cwd: string, timeoutMs: number): Promise<TimedRun> {
  return runTimedShell(`${words([...tap, '--config', configPath])} > ${shellWord(outFile)}`, { cwd, timeoutMs });
}

/** `target --config c < file` (the target's own stdout, its final state line, is discarded). */
export function targetFromFile(target: string[], configPath: string, inFile: string, cwd: string, timeoutMs: number): Promise<TimedRun> {
  return runTimedShell(`${words([...target, '--config', configPath])} < ${shellWord(inFile)}`, { cwd, timeoutMs });
}

/** `tap --config c | target --config c` — with `set -o pipefail` semantics checked by hand (POSIX sh has none). */
export function tapPipeTarget(
  tap: string[],
  tapConfig: string,
  target: string[],
  targetConfig: string,
  cwd: string,
  timeoutMs: number,
): Promise<TimedRun> {
  // The tap's exit status is kept in a file so a failing tap is not hidden by the pipe.
  const script = `{ ${words([...tap, '--config', tapConfig])}; echo $? > tap.status; } | ${words([...target, '--config', targetConfig])} && exit $(cat tap.status)`;
  return runTimedShell(script, { cwd, timeoutMs });
}

export async function writeJson(file: string, value: unknown): Promise<void> {
  await fs.writeFile(file, `${JSON.stringify(value)}\n`);
}

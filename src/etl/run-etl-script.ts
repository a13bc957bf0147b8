import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { EtlStep } from '../model/etl-step.js';
import { fromSources, selfScript } from '../runtime/self-command.js';
import { JOB_FILES } from '../storage/job-root.js';
import { type EtlInvocation, etlInvocation } from './etl-invocation.js';

export interface RunEtlScriptOptions {
  /** The job's local folder: the script's cwd, holding sync-output/, snapshots/, etl-output/. */
  jobRoot: string;
  etl: EtlStep;
  /** The environment of the script: connectorEnvironment(job, apiUrl) — the §5 variables. */
  env: Record<string, string>;
  timeoutMs: number;
  /** Node modules: V8 heap limit; executables: address-space limit (ulimit -v). */
  memoryMb: number;
  /** stdout and stderr of the script are appended here. */
  logFile: string;
  signal?: AbortSignal;
}

export type EtlFailureReason = 'failed' | 'timeout' | 'memory' | 'cancelled' | 'no-output' | 'not-found';

/** An ETL step that did not succeed; `message` is what the job's `error` should show (ETL_FAILED). */
export class EtlScriptError extends Error {
  constructor(
    message: string,
    readonly reason: EtlFailureReason,
  ) {
    super(message);
    this.name = 'EtlScriptError';
  }
}

const STDERR_TAIL_BYTES = 16 * 1024;
// Resolved from src/ (or dist/), not from this file: in the bundle this code is not in dist/etl/.
const RUNNER = selfScript('etl/run-etl-module');

function tsxLoader(): string | null {
  try {
    return import.meta.resolve('tsx');
  } catch {
    return null;
  }
}

function argvFor(invocation: EtlInvocation, memoryMb: number): string[] {
  if (invocation.kind === 'module') {
    const loader = fromSources || invocation.typescript ? tsxLoader() : null;
    if ((fromSources || invocation.typescript) && !loader) {
      throw new EtlScriptError('TypeScript ETL scripts need the tsx package installed with Sinew (npm install tsx)', 'failed');
    }
    return [process.execPath, `--max-old-space-size=${memoryMb}`, ...(loader ? ['--import', loader] : []), RUNNER, invocation.file];
  }
  // An address-space limit through the shell's ulimit: no native code and no prlimit needed.
  return ['/bin/sh', '-c', 'ulimit -v "$0" && exec "$@"', String(memoryMb * 1024), ...invocation.argv];
}

async function collect(stream: Readable | null | undefined, keepTail: number, also?: (chunk: Buffer) => void): Promise<string> {
  if (!stream) return '';
  let tail = Buffer.alloc(0);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    also?.(chunk);
    tail = Buffer.concat([tail, chunk]);
    if (tail.length > keepTail) tail = tail.subarray(tail.length - keepTail);
  }
  return tail.toString('utf8');
}

function lastLine(text: string): string | null {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  return lines.length > 0 ? lines[lines.length - 1]! : null;
}

const OUT_OF_HEAP = /heap out of memory|Reached heap limit|Allocation failed/;

/**
 * Runs a flow's ETL step in its own process group: a JS/TS module through Sinew's module runner
 * (the kit is handed to its default export), anything else as an executable. cwd = the job folder,
 * env = the §5 variables. Resolves when the step exited 0 and wrote `etl-output/data.singer`;
 * otherwise rejects with an EtlScriptError whose message is the script's own error message.
 */
export async function runEtlScript(opts: RunEtlScriptOptions): Promise<void> {
  const invocation = etlInvocation(opts.etl, opts.jobRoot);
  const entry = invocation.kind === 'module' ? invocation.file : invocation.argv.length === 1 ? invocation.argv[0]! : null;
  if (
    entry &&
    !(await fs.stat(entry).then(
      (s) => s.isFile(),
      () => false,
    ))
  ) {
    throw new EtlScriptError(`the ETL script ${entry} does not exist`, 'not-found');
  }
  const output = path.join(opts.jobRoot, JOB_FILES.etlData);
  await fs.mkdir(path.dirname(output), { recursive: true });
  await fs.rm(output, { force: true }); // a stale output must not pass for this run's
  await fs.mkdir(path.dirname(opts.logFile), { recursive: true });
  const log = await fs.open(opts.logFile, 'a');
  const [command, ...args] = argvFor(invocation, opts.memoryMb);
  let stopped: 'timeout' | 'cancelled' | null = null;
  try {
    const child = spawn(command!, args, {
      cwd: opts.jobRoot,
      env: opts.env,
      detached: true, // its own process group: a timeout kills whatever the script started too
      stdio: ['ignore', log.fd, 'pipe', 'pipe'],
    });
    const killGroup = (): void => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    };
    const stop = (why: 'timeout' | 'cancelled'): void => {
      stopped ??= why;
      killGroup();
    };
    const timer = setTimeout(() => stop('timeout'), opts.timeoutMs);
    const onAbort = (): void => stop('cancelled');
    if (opts.signal?.aborted) onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; spawnError?: Error }>((resolve) => {
      child.once('error', (e) => resolve({ code: null, signal: null, spawnError: e }));
      child.once('close', (code, signal) => resolve({ code, signal }));
    });
    const [stderr, reported, exit] = await Promise.all([
      collect(child.stderr, STDERR_TAIL_BYTES, (chunk) => void log.write(chunk).catch(() => {})),
      collect(child.stdio[3] as Readable | null, STDERR_TAIL_BYTES),
      exited,
    ]);
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    killGroup(); // anything the script left running in its group
    if (stopped === 'timeout')
      throw new EtlScriptError(
        `the ETL script did not finish within ${Math.round(opts.timeoutMs / 1000)} s and was stopped (timeout)`,
        'timeout',
      );
    if (stopped === 'cancelled') throw new EtlScriptError('the ETL script was stopped: the job was cancelled', 'cancelled');
    if (exit.spawnError) throw new EtlScriptError(`the ETL script could not start: ${exit.spawnError.message}`, 'failed');
    if (exit.code !== 0) throw failureOf(invocation, exit, stderr, reported, opts.memoryMb);
    if (
      !(await fs.stat(output).then(
        (s) => s.isFile(),
        () => false,
      ))
    ) {
      throw new EtlScriptError(`the ETL script finished without writing ${JOB_FILES.etlData}`, 'no-output');
    }
  } finally {
    await log.close();
  }
}

function failureOf(
  invocation: EtlInvocation,
  exit: { code: number | null; signal: NodeJS.Signals | null },
  stderr: string,
  reported: string,
  memoryMb: number,
): EtlScriptError {
  if (invocation.kind === 'module' && OUT_OF_HEAP.test(stderr)) {
    return new EtlScriptError(`the ETL script ran out of memory (limit ${memoryMb} MiB)`, 'memory');
  }
  const own = lastLine(reported);
  if (own) {
    try {
      return new EtlScriptError((JSON.parse(own) as { message: string }).message, 'failed');
    } catch {
      /* not our report: fall through */
    }
  }
  const last = lastLine(stderr);
  if (last && /\bMemoryError\b|Cannot allocate memory|out of memory/i.test(last)) {
    return new EtlScriptError(`${last} (the ETL memory limit is ${memoryMb} MiB)`, 'memory');
  }
  if (last) return new EtlScriptError(last, 'failed');
  return new EtlScriptError(
    exit.signal ? `the ETL script was killed by ${exit.signal}` : `the ETL script exited with code ${exit.code}`,
    'failed',
  );
}

import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { SinewError } from '../errors/sinew-error.js';
import type { Catalog } from '../model/catalog.js';
import type { CatalogFlag } from '../model/connector-definition.js';
import { BoundedLog, type OutputFilter, type StderrLogLimits } from './bounded-log.js';
import { jsonOutputCandidates } from './json-output.js';
import { parseJson } from './lossless-json.js';

export interface SingerProcessOptions {
  /** The executable and its leading arguments, e.g. `['python3', 'tap.py']` or `['tap-foo']`. */
  command: string[];
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** A number: an open file the process reads as its stdin (as `target < file`; the caller closes its copy). */
  stdin?: 'pipe' | 'ignore' | number;
  /** When given, stderr is appended to this file: its head and its tail (bounded-log.ts). */
  logFile?: string;
  /** How much of stderr `logFile` keeps; default 5 MiB of head and 5 MiB of tail. */
  logLimits?: StderrLogLimits;
  /** Rewrites stderr before `logFile` keeps it (a job's secret scrubber); the tail is left as said. */
  logFilter?: OutputFilter;
  /** A name for messages, e.g. `tap` or `target`; defaults to the executable. */
  name?: string;
  /** Run as this account (SINEW_CONNECTOR_USER; Sinew runs as root). */
  uid?: number;
  gid?: number;
}

export interface SingerExit {
  code: number | null;
  signal: string | null;
}

export interface SingerProcess {
  readonly pid: number | undefined;
  readonly stdout: Readable;
  readonly stdin: Writable | null;
  /** The last lines the process wrote to stderr (at most STDERR_TAIL_LINES). */
  stderrTail(): string[];
  /** Settles after the process exited and its stderr was drained; rejects when it could not start. */
  readonly exited: Promise<SingerExit>;
  /** Signals the whole process group (the executable and anything it started). */
  kill(signal?: NodeJS.Signals): void;
}

export const STDERR_TAIL_LINES = 50;
/** A single stderr line is cut to this length in the tail, so a binary dump cannot eat memory. */
const MAX_TAIL_LINE_CHARS = 4000;
/** After exit, how long to wait for stderr to close (a grandchild may keep it open). */
const STDERR_GRACE_MS = 2000;

/** Process groups still alive, killed if this process exits first, so no tap outlives its job. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;
function trackGroup(pid: number): void {
  liveGroups.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const group of liveGroups) signalGroup(group, 'SIGKILL');
  });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

class StderrTail {
  private readonly lines: string[] = [];
  private partial = '';

  push(text: string): void {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    if (this.partial.length > MAX_TAIL_LINE_CHARS) this.partial = this.partial.slice(0, MAX_TAIL_LINE_CHARS);
    for (const line of parts) this.add(line);
  }

  finish(): void {
    if (this.partial !== '') this.add(this.partial);
    this.partial = '';
  }

  snapshot(): string[] {
    return this.partial === '' ? [...this.lines] : [...this.lines, this.partial].slice(-STDERR_TAIL_LINES);
  }

  private add(line: string): void {
    const clean = line.endsWith('\r') ? line.slice(0, -1) : line;
    this.lines.push(clean.length > MAX_TAIL_LINE_CHARS ? `${clean.slice(0, MAX_TAIL_LINE_CHARS)}…` : clean);
    if (this.lines.length > STDERR_TAIL_LINES) this.lines.shift();
  }
}

/**
 * Starts a Singer executable in its own process group (so kill() reaches the interpreter and
 * whatever it spawned). stdout is left to the caller to consume; stderr is kept as a tail and
 * optionally logged to a file.
 */
export function startSingerProcess(opts: SingerProcessOptions): SingerProcess {
  const [executable, ...leading] = opts.command;
  const name = opts.name ?? executable ?? 'connector';
  if (!executable) throw new SinewError('CONNECTOR_FAILED', `${name}: no command to run`);
  const child = spawn(executable, [...leading, ...opts.args], {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: [opts.stdin ?? 'ignore', 'pipe', 'pipe'],
    detached: true,
    ...(opts.uid !== undefined && opts.gid !== undefined ? { uid: opts.uid, gid: opts.gid } : {}),
  });
  if (child.pid !== undefined) trackGroup(child.pid);
  // stdio is ['…', 'pipe', 'pipe'], so both exist.
  const stdout = child.stdout as Readable;
  const stderr = child.stderr as Readable;
  // Writes after the process died fail with EPIPE; its exit status tells the real story.
  child.stdin?.on('error', () => {});

  const tail = new StderrTail();
  const log = opts.logFile ? new BoundedLog(opts.logFile, opts.logLimits, opts.logFilter) : null;
  // Bytes for the log (its limits count bytes); a decoder for the tail, so a character split
  // between two chunks is not garbled.
  const decoder = new StringDecoder('utf8');
  stderr.on('data', (chunk: Buffer) => {
    tail.push(decoder.write(chunk));
    log?.write(chunk);
  });
  const stderrClosed = new Promise<void>((resolve) => {
    stderr.once('close', resolve);
    stderr.once('error', () => resolve());
  });

  const exited = new Promise<SingerExit>((resolve, reject) => {
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return; // a kill() failure on a running process; 'exit' follows
      void log?.end();
      const why = error.code === 'ENOENT' ? 'command not found' : error.code === 'EACCES' ? 'permission denied' : error.message;
      reject(
        new SinewError('CONNECTOR_FAILED', `could not start ${name} (${opts.command.join(' ')}): ${why}`, {
          command: opts.command,
          errno: error.code ?? null,
        }),
      );
    });
    child.once('exit', (code, signal) => {
      if (child.pid !== undefined) liveGroups.delete(child.pid);
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((r) => {
        timer = setTimeout(r, STDERR_GRACE_MS);
        timer.unref();
      });
      void Promise.race([stderrClosed, grace]).then(async () => {
        clearTimeout(timer);
        tail.push(decoder.end());
        tail.finish();
        await log?.end();
        resolve({ code, signal });
      });
    });
  });
  // Callers that only look at stdout must not get an unhandled rejection; awaiting still throws.
  exited.catch(() => {});

  return {
    pid: child.pid,
    stdout,
    stdin: child.stdin,
    stderrTail: () => tail.snapshot(),
    exited,
    kill(signal: NodeJS.Signals = 'SIGTERM') {
      // Also after the leader exited: what it started may still be running in its group.
      if (child.pid !== undefined) signalGroup(child.pid, signal);
    },
  };
}

export interface TapArgsOptions {
  configPath: string;
  statePath?: string | null;
  catalogPath?: string | null;
  /** Newer taps read `--catalog`; older ones (e.g. some singer-io taps) `--properties`; `none` takes no catalog. */
  catalogFlag?: CatalogFlag;
  /** False for a tap that does not take `--state` (an unknown argument would stop it). */
  acceptsState?: boolean;
}

export function tapArgs(opts: TapArgsOptions): string[] {
  const args = ['--config', opts.configPath];
  if (opts.statePath && opts.acceptsState !== false) args.push('--state', opts.statePath);
  if (!opts.catalogPath) return args;
  const flag = opts.catalogFlag ?? '--catalog';
  if (flag === 'both') args.push('--catalog', opts.catalogPath, '--properties', opts.catalogPath);
  else if (flag !== 'none') args.push(flag, opts.catalogPath);
  return args;
}

export function targetArgs(opts: { configPath: string }): string[] {
  return ['--config', opts.configPath];
}

/** A one-paragraph reason for a failed connector run, used as a job's `error`. */
export function describeExit(name: string, exit: SingerExit, stderrTail: string[]): string {
  const how = exit.signal ? `${name} was killed by signal ${exit.signal}` : `${name} exited with code ${exit.code}`;
  const last = stderrTail.filter((line) => line.trim() !== '').slice(-10);
  return last.length > 0 ? `${how}: ${last.join('\n')}` : `${how} (no stderr output)`;
}

export interface RunDiscoverOptions {
  command: string[];
  configPath: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  logFile?: string;
  logLimits?: StderrLogLimits;
  logFilter?: OutputFilter;
  /** Kill the tap after this long; default 10 minutes (catalogs of big SaaS APIs take a while). */
  timeoutMs?: number;
  uid?: number;
  gid?: number;
}

/** Runs `<tap> --config X --discover` and returns the catalog it printed. */
export async function runDiscover(opts: RunDiscoverOptions): Promise<Catalog> {
  const proc = startSingerProcess({
    command: opts.command,
    args: ['--config', opts.configPath, '--discover'],
    cwd: opts.cwd,
    env: opts.env,
    logFile: opts.logFile,
    logLimits: opts.logLimits,
    logFilter: opts.logFilter,
    name: 'tap',
    uid: opts.uid,
    gid: opts.gid,
  });
  const timer = setTimeout(() => proc.kill('SIGKILL'), opts.timeoutMs ?? 600_000);
  try {
    const chunks: Buffer[] = [];
    const collected = (async () => {
      for await (const chunk of proc.stdout) chunks.push(chunk as Buffer);
    })();
    const [exit] = await Promise.all([proc.exited, collected]);
    if (exit.code !== 0) {
      throw new SinewError('CONNECTOR_FAILED', `discover failed: ${describeExit('tap', exit, proc.stderrTail())}`, {
        code: exit.code,
        signal: exit.signal,
      });
    }
    return parseCatalogOutput(Buffer.concat(chunks).toString('utf8'), proc.stderrTail());
  } finally {
    clearTimeout(timer);
  }
}

/** The catalog a tap printed (some taps log to stdout before the JSON). */
function parseCatalogOutput(text: string, stderrTail: string[]): Catalog {
  let lastError: unknown;
  for (const attempt of jsonOutputCandidates(text)) {
    try {
      const value = parseJson(attempt) as Catalog;
      if (typeof value !== 'object' || value === null || !Array.isArray(value.streams)) {
        lastError = new Error('the output has no "streams" array');
        continue;
      }
      return value;
    } catch (error) {
      lastError = error;
    }
  }
  const stderr = stderrTail.slice(-10).join('\n');
  throw new SinewError(
    'CONNECTOR_FAILED',
    `discover printed no valid catalog (${(lastError as Error).message})${stderr ? `: ${stderr}` : ''}`,
  );
}

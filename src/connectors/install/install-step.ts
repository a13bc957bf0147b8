import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import type { InstallLog } from './install-log.js';

export interface InstallStepOptions {
  cwd: string;
  env: Record<string, string>;
  log: InstallLog;
  signal: AbortSignal;
  timeoutMs: number;
}

/**
 * Runs one step of an install (python3 -m venv, pip install, npm install, tar) in its own process
 * group, its stdout and stderr into the log; throws with the reason when it does not exit 0.
 */
export async function runInstallStep(command: string[], opts: InstallStepOptions): Promise<void> {
  const [program, ...args] = command;
  if (program === undefined) throw new Error('no command');
  opts.log.note(`$ ${command.join(' ')}`);
  const child = spawn(program, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const decoder = new StringDecoder('utf8');
  const onData = (chunk: Buffer): void => opts.log.write(decoder.write(chunk));
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  let stopped: string | null = null;
  const stop = (why: string): void => {
    stopped ??= why;
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
  const timer = setTimeout(() => stop(`took longer than ${Math.round(opts.timeoutMs / 1000)} s`), opts.timeoutMs);
  const onAbort = (): void => stop('Sinew stopped');
  opts.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (c) => resolve(c));
    });
    opts.log.finish();
    if (stopped) throw new Error(`${program} ${stopped}`);
    if (code !== 0) throw new Error(`${program} ${args[0] ?? ''} exited with code ${code}`.replace('  ', ' '));
  } finally {
    clearTimeout(timer);
    opts.signal.removeEventListener('abort', onAbort);
  }
}

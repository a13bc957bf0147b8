import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI_SOURCES = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const CLI_COMPILED = fileURLToPath(new URL('../../bin/sinew.js', import.meta.url));

export type Role = 'serve' | 'api' | 'worker' | 'scheduler';

export interface RoleProcess {
  role: Role;
  child: ChildProcess;
  /** The API's URL (`serve`, `api`). */
  url: string;
  /** The worker's lease owner id, as it writes it into `jobs.lease_owner` (`worker`). */
  owner: string;
  stderr(): string;
  /** What it printed on stdout (only with `captureStdout`). */
  stdout(): string;
  /** Resolves with how the process ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` (to the process only, not its job processes) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** What each role prints once it runs, and what the test needs from it. */
const BANNERS: Record<Role, RegExp> = {
  serve: /listening on (http:\/\/\S+)/,
  api: /listening on (http:\/\/\S+)/,
  worker: /Sinew worker running \(([^,]+),/,
  scheduler: /Sinew scheduler running/,
};

/**
 * `sinew <role>` as a real child process — from the TypeScript sources, or with `compiled` the built
 * `bin/sinew.js` (what a deployment runs; much cheaper per job process). Resolves once the role's
 * banner is printed. The environment is this process's without SINEW_* plus `env`.
 */
export async function startRole(
  role: Role,
  env: Record<string, string>,
  opts: { compiled?: boolean; args?: string[]; captureStdout?: boolean } = {},
): Promise<RoleProcess> {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('SINEW_')) base[k] = v;
  const argv = opts.compiled ? [CLI_COMPILED, role] : ['--import', 'tsx', CLI_SOURCES, role];
  const child = spawn(process.execPath, [...argv, ...(opts.args ?? [])], {
    cwd: REPO_ROOT,
    env: { ...base, PORT: '0', SINEW_LOG_LEVEL: 'warn', SINEW_EXAMPLE: 'false', ...env },
    stdio: ['ignore', opts.captureStdout ? 'pipe' : 'ignore', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      // A process that starts later would outlive the test and keep its file from ever finishing.
      child.kill('SIGKILL');
      reject(new Error(`sinew ${role} did not start in 90 s: ${err}`));
      // Generous: from the TypeScript sources on a loaded 2-core CI machine, several roles starting
      // together compile the whole server each (seen: over 30 s). It only guards against a hang.
    }, 90_000);
    const check = (): void => {
      const m = BANNERS[role].exec(err);
      if (m) {
        clearTimeout(timer);
        child.stderr!.off('data', check);
        resolve(m);
      }
    };
    child.stderr!.on('data', check);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`sinew ${role} exited (${signal ?? code}) before it ran: ${err}`));
    });
  });
  const running = role === 'api' || role === 'serve';
  return {
    role,
    child,
    url: running ? match[1]! : '',
    owner: role === 'worker' ? match[1]! : '',
    stderr: () => err,
    stdout: () => out,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

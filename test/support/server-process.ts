import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  stderr: () => string;
  /** What it wrote to stdout (its JSON log lines) — only with `captureStdout`, else ''. */
  stdout: () => string;
}

/** `sinew serve` as a real child process (from the TypeScript sources); resolves once it listens. */
export async function startServerProcess(env: Record<string, string>, opts: { captureStdout?: boolean } = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, 'serve'], {
    env: { ...process.env, PORT: '0', SINEW_LOG_LEVEL: 'warn', SINEW_EXAMPLE: 'false', ...env },
    stdio: ['ignore', opts.captureStdout ? 'pipe' : 'ignore', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // A server that starts later would outlive the test and keep its file from ever finishing.
      child.kill('SIGKILL');
      reject(new Error(`server did not start within 20 s: ${err}`));
    }, 20_000);
    child.stderr!.on('data', () => {
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${err}`));
    });
  });
  return { url, child, stderr: () => err, stdout: () => out };
}

import type { ChildProcess } from 'node:child_process';
import { startRole } from './role-process.js';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  stderr: () => string;
  /** What it wrote to stdout (its JSON log lines) — only with `captureStdout`, else ''. */
  stdout: () => string;
}

/** `sinew serve` as a real child process (from the TypeScript sources); resolves once it listens. */
export async function startServerProcess(env: Record<string, string>, opts: { captureStdout?: boolean } = {}): Promise<ServerProcess> {
  const { url, child, stderr, stdout } = await startRole('serve', env, opts);
  return { url, child, stderr, stdout };
}

import type { ChildProcess } from 'node:child_process';
import { startRole } from './role-process.js';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  stderr: () => string;
}

/** `sinew serve` as a real child process (from the TypeScript sources); resolves once it listens. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const { url, child, stderr } = await startRole('serve', env);
  return { url, child, stderr };
}

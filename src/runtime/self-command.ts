import { fileURLToPath } from 'node:url';

/**
 * How to start another Sinew process (the CLI, a job process) from this one: the same Node binary,
 * and — when running from TypeScript sources under tsx (tests, development) — the same loader.
 */
/** True when Sinew runs from its TypeScript sources under tsx (tests, development), not from dist/. */
export const fromSources = fileURLToPath(import.meta.url).endsWith('.ts');
const ext = fromSources ? '.ts' : '.js';

export function selfScript(relativeToSrc: string): string {
  // import.meta.url is src/runtime/self-command.(ts|js); scripts are resolved from src/ (or dist/).
  return fileURLToPath(new URL(`../${relativeToSrc}${ext}`, import.meta.url));
}

export function nodeArgs(): string[] {
  // An absolute loader URL: child processes run with another cwd (the job root), where a bare
  // `tsx` would not resolve.
  return fromSources ? ['--import', import.meta.resolve('tsx')] : [];
}

/** argv to run the `sinew` CLI with extra arguments, e.g. `sinewCommand('singer', 'tap', 'csv')`. */
export function sinewCommand(...args: string[]): string[] {
  return [process.execPath, ...nodeArgs(), selfScript('cli/main'), ...args];
}

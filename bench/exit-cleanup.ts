/**
 * Everything a benchmark must undo however it ends (normal exit, thrown error, Ctrl-C): temp dirs
 * to remove and process groups to kill. Benchmarks start big, long-running children (taps writing
 * hundreds of MB, a Sinew server); leaving one behind would skew the next measurement.
 */
import { rmSync } from 'node:fs';

type Cleanup = () => Promise<void> | void;

const cleanups = new Set<Cleanup>();
const processGroups = new Set<number>();
const tempDirs = new Set<string>();
let signalsInstalled = false;

function installSignalHandlers(): void {
  if (signalsInstalled) return;
  signalsInstalled = true;
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // `on`, not `once`: under `node --import tsx`, tsx's own signal handler exits at once when it
    // finds no other listener — which `once` would have removed before our async clean-up ran.
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      void runCleanups().finally(() => process.exit(130));
    });
  }
  // Last resort, synchronous: whatever is still registered when the process exits.
  process.once('exit', () => {
    for (const pid of processGroups) killGroup(pid, 'SIGKILL');
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });
}

export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

/** A detached child's process group, killed (SIGKILL) if the benchmark ends while it still runs. */
export function trackProcessGroup(pid: number): () => void {
  installSignalHandlers();
  processGroups.add(pid);
  return () => processGroups.delete(pid);
}

/** A temp dir removed when the benchmark ends, unless released earlier by the returned function. */
export function trackTempDir(dir: string): () => void {
  installSignalHandlers();
  tempDirs.add(dir);
  return () => tempDirs.delete(dir);
}

/** An async clean-up step (e.g. stopping a server gracefully), run by runCleanups(). */
export function onCleanup(fn: Cleanup): () => void {
  installSignalHandlers();
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

/** Runs the registered async steps (newest first), then kills and removes what is left. */
export async function runCleanups(): Promise<void> {
  for (const fn of [...cleanups].reverse()) {
    cleanups.delete(fn);
    try {
      await fn();
    } catch (e) {
      process.stderr.write(`bench: clean-up step failed: ${(e as Error).message}\n`);
    }
  }
  for (const pid of processGroups) killGroup(pid, 'SIGKILL');
  processGroups.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/** Runs a benchmark's main function, always cleaning up, and sets the exit code. */
export function runMain(main: () => Promise<void>): void {
  installSignalHandlers();
  main().then(
    async () => {
      await runCleanups();
    },
    async (e: unknown) => {
      process.stderr.write(`bench: ${(e as Error).stack ?? String(e)}\n`);
      await runCleanups();
      process.exitCode = 1;
    },
  );
}

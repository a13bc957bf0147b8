import type { SingerProcess } from '../../singer/singer-process.js';

/** Connector processes this job process started, so a cancel (SIGTERM) can take them all down. */
const running = new Set<SingerProcess>();

export function track(proc: SingerProcess): SingerProcess {
  running.add(proc);
  proc.exited.then(
    () => running.delete(proc),
    () => running.delete(proc),
  );
  return proc;
}

export function killAllConnectors(signal: NodeJS.Signals): void {
  for (const proc of running) proc.kill(signal);
}

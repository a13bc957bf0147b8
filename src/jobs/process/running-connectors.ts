import path from 'node:path';
import type { SecretScrubber } from '../../crypto/secret-scrubber.js';
import type { StderrLogLimits } from '../../singer/bounded-log.js';
import { type SingerProcess, startSingerProcess } from '../../singer/singer-process.js';
import { JOB_FILES } from '../../storage/job-root.js';
import type { InProcessWriter } from './in-process-writer.js';

/** How to start one connector of a job. */
export interface ConnectorRun {
  command: string[];
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** How much of its stderr the connector's log keeps (the job settings `connector_log_*_mb`). */
  logLimits?: StderrLogLimits;
  /** A built-in write target: run inside the job process instead of `command` (in-process-target.ts). */
  inProcess?: InProcessWriter;
  /** The job's configs, scrubbed from what the connector logs (secret-scrubber.ts). */
  scrubber?: SecretScrubber;
  /** The account it runs as (connector-identity.ts): SINEW_CONNECTOR_USER for a registered connector. */
  uid?: number;
  gid?: number;
}

/** Connector processes this job process started, so a cancel (SIGTERM) can take them all down. */
const running = new Set<SingerProcess>();

/**
 * Starts a job's tap (stdin closed) or target (stdin piped, or with `inputFd` this open file as its
 * stdin), its stderr into `logs/<role>.log`.
 */
export function startConnector(run: ConnectorRun, jobRoot: string, role: 'tap' | 'target', inputFd?: number): SingerProcess {
  const proc = startSingerProcess({
    command: run.command,
    args: run.args,
    cwd: run.cwd,
    env: run.env,
    stdin: role === 'tap' ? 'ignore' : (inputFd ?? 'pipe'),
    logFile: path.join(jobRoot, role === 'tap' ? JOB_FILES.tapLog : JOB_FILES.targetLog),
    logLimits: run.logLimits,
    logFilter: run.scrubber?.stream(),
    uid: run.uid,
    gid: run.gid,
  });
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

const MIB = 1024 * 1024;

/** The job settings' head and tail sizes (MiB, fractions allowed) as byte limits. */
export function stderrLogLimits(settings: { connector_log_head_mb: number; connector_log_tail_mb: number }): StderrLogLimits {
  return { headBytes: Math.floor(settings.connector_log_head_mb * MIB), tailBytes: Math.floor(settings.connector_log_tail_mb * MIB) };
}

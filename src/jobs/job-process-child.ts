import { type ChildProcess, fork } from 'node:child_process';
import { nodeArgs, selfScript } from '../runtime/self-command.js';
import type { JobPlan } from './job-plan.js';
import type { JobProcessMessage, WorkerMessage } from './job-process-messages.js';
import { createJobSecretsDir, removeJobSecretsDir } from './job-secrets-dir.js';
import { decodeIpc, encodeIpc } from './lossless-ipc.js';

export interface JobProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Forks a job process (its own process group, so it can be stopped with its connectors), hands it
 * its plan over IPC, and passes on what it reports. `exited` settles once it has exited AND its IPC
 * channel is closed: 'exit' can come before the last messages are read, 'disconnect' after them.
 * The folder of its clear configs is made here and removed at its exit, whatever ended it.
 */
export function startJobProcess(
  plan: JobPlan,
  onMessage: (message: JobProcessMessage) => void,
): { child: ChildProcess; exited: Promise<JobProcessExit> } {
  const secretsDir = createJobSecretsDir(plan.job.job_id, plan.connectorUser);
  let child: ChildProcess;
  try {
    child = forkJobProcess(plan);
  } catch (e) {
    removeJobSecretsDir(secretsDir);
    throw e;
  }
  child.once('exit', () => {
    try {
      removeJobSecretsDir(secretsDir);
    } catch {
      // Left for the next start's sweep: a worker must not die of a cleanup.
    }
  });
  child.on('message', (raw) => onMessage(decodeIpc<JobProcessMessage>(raw)));
  const exitedOnly = new Promise<JobProcessExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const disconnected = new Promise<void>((resolve) => child.once('disconnect', () => resolve()));
  const exited = Promise.all([exitedOnly, disconnected]).then(([exit]) => exit);
  child.send(encodeIpc({ t: 'plan', plan: { ...plan, secretsDir } }));
  return { child, exited };
}

function forkJobProcess(plan: JobPlan): ChildProcess {
  return fork(selfScript('jobs/process/job-process-main'), [], {
    execArgv: nodeArgs(),
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: plan.env,
  });
}

/**
 * Sends a running job process a message, unless it is gone by then. A process that exits meanwhile
 * makes send fail (EPIPE); without a callback that is an 'error' event that would take the worker
 * down. Its exit is handled where the job waits for it.
 */
export function sendToJobProcess(child: ChildProcess, message: WorkerMessage): void {
  if (child.connected) child.send(encodeIpc(message), ignoreSendError);
}

const ignoreSendError = (): void => {};

/** Kills a job process and its connectors (its process group), if still there. */
export function killJobProcessGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

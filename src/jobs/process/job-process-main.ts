/**
 * Entry point of a job process (forked by the worker, one per job). It receives its plan over IPC,
 * runs the phases, reports every status back, and exits. Connectors run as its own children; on
 * SIGTERM (cancel) it takes them down with it.
 */

import { SecretScrubber } from '../../crypto/secret-scrubber.js';
import type { JobPlan } from '../job-plan.js';
import type { JobProcessMessage, WorkerMessage } from '../job-process-messages.js';
import { decodeIpc, encodeIpc } from '../lossless-ipc.js';
import { LEASE_FENCE_EXIT_CODE, LeaseFence } from './lease-fence.js';
import { runJob } from './run-job.js';
import { runRollback } from './run-rollback.js';
import { killAllConnectors } from './running-connectors.js';

function send(message: JobProcessMessage): void {
  process.send?.(encodeIpc(message));
}

process.on('SIGTERM', () => {
  killAllConnectors('SIGKILL');
  process.exit(143);
});

// The worker died (SIGKILL, crash): nobody can record what this job does any more, so stop.
// Its restart fails the job as stale.
process.on('disconnect', () => {
  if (finishing) return;
  killAllConnectors('SIGKILL');
  process.exit(1);
});

let finishing = false;

process.once('message', (raw: unknown) => {
  const { plan } = decodeIpc<{ t: 'plan'; plan: JobPlan }>(raw);
  // This process holds the job's configs in clear: a crash's message or stack may quote them, and
  // its stderr goes to the server's log.
  const scrubber = SecretScrubber.ofConnectors([plan.source, plan.target]);
  const crashed = (what: string, e: unknown): void => {
    process.stderr.write(`${what}: ${scrubber.scrub((e as Error)?.stack ?? String(e))}\n`);
  };
  process.on('uncaughtException', (e) => {
    crashed('job process crashed', e);
    killAllConnectors('SIGKILL');
    process.exit(1);
  });
  if (plan.lease) {
    const fence = new LeaseFence(plan.lease.expiresAt, plan.lease.marginMs, (expiresAt) => {
      // Nobody can record what this job does any more, and another worker may take it over at
      // expiresAt: stop writing now. The worker (if it ever runs again) learns of the loss itself.
      killAllConnectors('SIGKILL');
      process.stderr.write(
        `job ${plan.job.job_id}: its lease (until ${new Date(expiresAt).toISOString()}) was not renewed in time; its connectors were stopped\n`,
      );
      process.exit(LEASE_FENCE_EXIT_CODE);
    });
    process.on('message', (message: unknown) => {
      const m = decodeIpc<WorkerMessage>(message);
      if (m.t === 'lease') fence.extend(m.expiresAt);
    });
  }
  const work = plan.mode === 'rollback' ? runRollback(plan, send).then(() => true) : runJob(plan, send);
  work.then(
    (ok) => {
      finishing = true;
      // Let the IPC channel flush the last messages before exiting.
      process.disconnect?.();
      process.exitCode = ok ? 0 : 1;
    },
    (e: unknown) => {
      finishing = true;
      crashed('job process failed', e);
      process.disconnect?.();
      process.exitCode = 1;
    },
  );
});

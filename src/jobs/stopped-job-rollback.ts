import type { Logger } from 'pino';
import type { WriteSummary } from '../writes/write-result-collector.js';
import { InOrder } from './in-order.js';
import type { JobPlan } from './job-plan.js';
import { killJobProcessGroup, sendToJobProcess, startJobProcess } from './job-process-child.js';
import type { RecordIdRequests } from './record-ids/record-id-requests.js';

/** How long a rollback of a stopped job may take before its process is killed too. */
const ROLLBACK_LIMIT_MS = 10 * 60_000;

export type RollbackOutcome = { message: string | null; writeSummary?: WriteSummary };

/**
 * A write job whose process was stopped (died, timed out) could not roll back what it wrote: a job
 * process of its own does, in rollback mode (`plan.mode`), for at most ROLLBACK_LIMIT_MS (roll back
 * on failure). Its record-id requests are answered in the order sent.
 */
export async function rollBackStoppedJob(plan: JobPlan, recordIds: RecordIdRequests, log: Logger): Promise<RollbackOutcome> {
  log.info('rolling back what the stopped job wrote (roll back on failure)');
  let outcome: RollbackOutcome = { message: 'the rollback did not finish: what the job created may still be there' };
  const answers = new InOrder(() => {});
  const { child, exited } = startJobProcess(plan, (message) => {
    if (message.t === 'recordIds') answers.add(() => recordIds.answer(message, (reply) => sendToJobProcess(child, reply)));
    else if (message.t === 'rolledBack') outcome = message;
  });
  const limit = setTimeout(() => {
    if (child.pid) killJobProcessGroup(child.pid);
  }, ROLLBACK_LIMIT_MS);
  await exited;
  clearTimeout(limit);
  await answers.done();
  await recordIds.flush();
  return outcome;
}

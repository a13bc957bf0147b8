import type { SecretScrubber } from '../../crypto/secret-scrubber.js';
import type { JobProcessMessage } from '../job-process-messages.js';

type Report = (message: JobProcessMessage) => void;

/**
 * The job process's report to its worker with the job's secrets scrubbed from every `error` and
 * `message`: these are what the job shows (tenants read it), its events and webhooks carry, and
 * the logs print — and they quote connector output (a stderr tail, a writer's error).
 */
export function scrubbedReport(scrubber: SecretScrubber, report: Report): Report {
  if (scrubber.empty) return report;
  return (message) => {
    if (message.t === 'failed') {
      report({
        ...message,
        error: scrubber.scrub(message.error),
        ...(message.message !== undefined ? { message: scrubber.scrub(message.message) } : {}),
      });
    } else if (message.t === 'status') {
      report({
        ...message,
        ...(message.error !== undefined ? { error: scrubber.scrub(message.error) } : {}),
        ...(message.message !== undefined ? { message: scrubber.scrub(message.message) } : {}),
      });
    } else if (message.t === 'finished' || message.t === 'rolledBack') {
      report({ ...message, message: message.message === null ? null : scrubber.scrub(message.message) });
    } else {
      report(message);
    }
  };
}

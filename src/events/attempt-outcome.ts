import type { Attempt } from '../store/delivery-ops.js';
import type { SendOutcome } from './http-sender.js';

/**
 * What an attempt decides: 2xx delivered; 410 Gone stops for good; anything else (non-2xx,
 * timeout, refused connection, refused address) is retried after the schedule's next wait, and
 * failed once the schedule is used up. `attemptsBefore` counts the attempts already made.
 */
export function attemptOutcome(
  send: SendOutcome,
  attemptsBefore: number,
  scheduleMs: number[],
  now: number,
): { outcome: Attempt['outcome']; next_attempt_at: number | null } {
  const code = send.status_code;
  if (send.error === null && code !== null && code >= 200 && code < 300) return { outcome: 'delivered', next_attempt_at: null };
  if (code === 410) return { outcome: 'gone', next_attempt_at: null };
  const wait = scheduleMs[attemptsBefore];
  if (wait === undefined) return { outcome: 'failed', next_attempt_at: null };
  return { outcome: 'retry', next_attempt_at: now + wait };
}

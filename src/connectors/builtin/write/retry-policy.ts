import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpAnswer, HttpCall, HttpClient } from './http-client.js';
import { isWriteImpossible } from './write-failure.js';

export interface RetryPolicy {
  /** Calls in all, the first included. */
  maxAttempts: number;
  /** First backoff; doubled on each further attempt (with jitter). */
  baseDelayMs: number;
  /** No single wait is longer than this, whatever Retry-After asks. */
  maxDelayMs: number;
  /**
   * Whether an answer is worth another attempt; a number is the wait in ms the API asked for.
   * Default: 429 and 5xx.
   */
  retryable?(answer: HttpAnswer): boolean | number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 60_000 };

/** Retry-After as a wait in ms: delta seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return null;
  if (/^\s*\d+(\.\d+)?\s*$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

export function isTransientStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

function backoff(policy: RetryPolicy, attempt: number): number {
  const exponential = policy.baseDelayMs * 2 ** (attempt - 1);
  return exponential / 2 + Math.random() * (exponential / 2);
}

/**
 * Sends a call, retrying transient failures (429, 5xx, network errors and timeouts) with
 * exponential backoff, honouring Retry-After. Returns the last answer, whatever its status;
 * throws the last network error when no attempt got an answer.
 */
export async function sendWithRetry(
  client: HttpClient,
  call: HttpCall,
  policy: RetryPolicy,
  log?: (message: string) => void,
): Promise<HttpAnswer> {
  for (let attempt = 1; ; attempt++) {
    let wait: number;
    try {
      const answer = await client.send(call);
      const verdict = policy.retryable ? policy.retryable(answer) : isTransientStatus(answer.status);
      if (verdict === false || attempt >= policy.maxAttempts) return answer;
      wait = typeof verdict === 'number' ? verdict : (retryAfterMs(answer.headers['retry-after']) ?? backoff(policy, attempt));
      log?.(
        `${call.method} ${call.url}: ${answer.status}, attempt ${attempt} of ${policy.maxAttempts}; retrying in ${Math.round(wait)} ms`,
      );
    } catch (error) {
      // A refused address (or anything else no attempt can get past) is not retried.
      if (attempt >= policy.maxAttempts || isWriteImpossible(error)) throw error;
      wait = backoff(policy, attempt);
      log?.(
        `${call.method} ${call.url}: ${(error as Error).message}, attempt ${attempt} of ${policy.maxAttempts}; retrying in ${Math.round(wait)} ms`,
      );
    }
    await sleep(Math.min(wait, policy.maxDelayMs));
  }
}

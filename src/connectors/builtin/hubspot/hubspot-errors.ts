import type { HttpAnswer } from '../write/http-client.js';
import { answerJson } from '../write/http-client.js';
import { isTransientStatus, retryAfterMs } from '../write/retry-policy.js';

/** One entry of HubSpot's `errors[]` (batch responses): message, category, context of ids. */
export interface HubspotBatchError {
  message?: string;
  category?: string;
  context?: Record<string, unknown>;
}

export function batchErrors(body: unknown): HubspotBatchError[] {
  if (!body || typeof body !== 'object') return [];
  const errors = (body as Record<string, unknown>).errors;
  return Array.isArray(errors) ? (errors as HubspotBatchError[]) : [];
}

/** The values of `context[key]` of an error (HubSpot lists the ids or trace ids an error is about). */
export function contextValues(error: HubspotBatchError, key: string): string[] {
  const values = error.context?.[key];
  return Array.isArray(values) ? values.map(String) : [];
}

export function describeBatchError(error: HubspotBatchError): string {
  return [error.category, error.message].filter(Boolean).join(': ') || JSON.stringify(error);
}

/**
 * HubSpot's 429 body names the limit hit (`policyName`): the secondly/ten-secondly limits clear in
 * seconds and are retried (after Retry-After, or the interval the rate-limit headers announce); a
 * DAILY limit will not clear during this run, so it is not retried.
 */
export function hubspotRetryable(answer: HttpAnswer): boolean | number {
  if (answer.status !== 429) return isTransientStatus(answer.status);
  const body = answerJson(answer) as { policyName?: string } | undefined;
  if (body?.policyName === 'DAILY') return false;
  const retryAfter = retryAfterMs(answer.headers['retry-after']);
  if (retryAfter !== null) return retryAfter;
  const interval = Number(answer.headers['x-hubspot-ratelimit-interval-milliseconds']);
  return Number.isFinite(interval) && interval > 0 ? interval : true;
}

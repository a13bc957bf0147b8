import { answerJson, type HttpAnswer } from '../write/http-client.js';
import { isTransientStatus } from '../write/retry-policy.js';

/** Salesforce error entries: `[{ message, errorCode, fields }]` (REST) or `{ statusCode, message, fields }` (collections). */
interface SalesforceError {
  message?: string;
  errorCode?: string;
  statusCode?: string;
  fields?: string[];
}

export function describeErrors(errors: unknown): string {
  if (!Array.isArray(errors) || errors.length === 0) return 'unknown error';
  return (errors as SalesforceError[])
    .map(
      (e) =>
        `${e.errorCode ?? e.statusCode ?? 'ERROR'}: ${e.message ?? ''}${e.fields && e.fields.length > 0 ? ` (${e.fields.join(', ')})` : ''}`,
    )
    .join('; ');
}

export function errorCodes(answer: HttpAnswer): string[] {
  const body = answerJson(answer);
  return Array.isArray(body) ? (body as SalesforceError[]).map((e) => e.errorCode ?? '') : [];
}

/** 503/5xx and the API request limit (403 REQUEST_LIMIT_EXCEEDED) clear with time: retried. */
export function salesforceRetryable(answer: HttpAnswer): boolean {
  if (isTransientStatus(answer.status)) return true;
  return answer.status === 403 && errorCodes(answer).includes('REQUEST_LIMIT_EXCEEDED');
}

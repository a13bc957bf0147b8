import { invalid } from '../../../errors/sinew-error.js';

/** Small readers for write-target configs: each names the bad field in a 400. */
export function requiredString(config: Record<string, unknown>, field: string, connectorId: string): string {
  const value = config[field];
  if (typeof value !== 'string' || value.trim() === '') throw invalid(`${connectorId}: config.${field} is required`, { field });
  return value;
}

export function optionalString(config: Record<string, unknown>, field: string, fallback: string, connectorId: string): string {
  const value = config[field];
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value !== 'string') throw invalid(`${connectorId}: config.${field} must be a string`, { field });
  return value;
}

export function positiveInteger(config: Record<string, unknown>, field: string, fallback: number, connectorId: string, max = Number.MAX_SAFE_INTEGER): number {
  const value = config[field];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw invalid(`${connectorId}: config.${field} must be an integer from 1 to ${max}`, { field });
  }
  return value;
}

export function stringMap(config: Record<string, unknown>, field: string, connectorId: string): Record<string, string> {
  const value = config[field];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw invalid(`${connectorId}: config.${field} must be an object of strings`, { field });
  }
  return value as Record<string, string>;
}

/** Retry settings every HTTP write target accepts. */
export const retryConfigProperties = {
  max_attempts: { type: 'integer', minimum: 1, maximum: 20, default: 5, description: 'Attempts per call on 429/5xx/network errors.' },
  retry_base_ms: { type: 'integer', minimum: 1, default: 500, description: 'First backoff in ms, doubled per attempt (Retry-After wins when sent).' },
  max_retry_wait_ms: { type: 'integer', minimum: 1, default: 60000, description: 'Longest single wait between attempts.' },
  timeout_ms: { type: 'integer', minimum: 1, default: 30000, description: 'Time allowed for one call.' },
} as const;

export function readRetryConfig(config: Record<string, unknown>, connectorId: string) {
  return {
    maxAttempts: positiveInteger(config, 'max_attempts', 5, connectorId, 20),
    baseDelayMs: positiveInteger(config, 'retry_base_ms', 500, connectorId),
    maxDelayMs: positiveInteger(config, 'max_retry_wait_ms', 60_000, connectorId),
    timeoutMs: positiveInteger(config, 'timeout_ms', 30_000, connectorId),
  };
}

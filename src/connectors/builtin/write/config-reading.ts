/** Retry settings every HTTP write target accepts. */
export const retryConfigProperties = {
  max_attempts: { type: 'integer', minimum: 1, maximum: 20, default: 5, description: 'Attempts per call on 429/5xx/network errors.' },
  retry_base_ms: {
    type: 'integer',
    minimum: 1,
    default: 500,
    description: 'First backoff in ms, doubled per attempt (Retry-After wins when sent).',
  },
  max_retry_wait_ms: { type: 'integer', minimum: 1, default: 60000, description: 'Longest single wait between attempts.' },
  timeout_ms: { type: 'integer', minimum: 1, default: 30000, description: 'Time allowed for one call.' },
} as const;

/** The retry settings of a config its schema's reader has filled in (defaults from retryConfigProperties). */
export function retryConfig(config: { max_attempts: number; retry_base_ms: number; max_retry_wait_ms: number; timeout_ms: number }) {
  return {
    maxAttempts: config.max_attempts,
    baseDelayMs: config.retry_base_ms,
    maxDelayMs: config.max_retry_wait_ms,
    timeoutMs: config.timeout_ms,
  };
}

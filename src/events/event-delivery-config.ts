import { readAllowLoopback } from '../outbound/loopback-flag.js';

/** How events are delivered: the runtime knobs (env vars), read once at start-up. */
export interface EventDeliveryConfig {
  /** Wait before each retry, in ms; after the last one the delivery is failed. */
  retryScheduleMs: number[];
  /** An attempt that has no complete response after this long is a failed attempt (retried). */
  timeoutMs: number;
  /** Loopback receivers allowed without the environment's allowance (SINEW_OUTBOUND_ALLOW_LOOPBACK; embedded default). */
  allowLoopback: boolean;
  /** Datadog events API URL; `{site}` is replaced by the environment's Datadog site. */
  datadogUrlTemplate: string;
  /** Fallback poll for events written by other processes (ms). */
  pollMs: number;
  /** Attempts in flight at once in one process, across all ordering keys. */
  concurrency: number;
}

/** 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: more than a day (~27.6 h) of retries, then failed. */
export const DEFAULT_RETRY_SCHEDULE_MS = [5, 300, 1800, 7200, 18000, 36000, 36000].map((s) => s * 1000);

const positive = (text: string | undefined, fallback: number): number => {
  const n = Number(text);
  return text !== undefined && text !== '' && Number.isFinite(n) && n > 0 ? n : fallback;
};

/**
 * SINEW_WEBHOOK_RETRY_SCHEDULE (comma-separated seconds, e.g. `0.05,0.1,0.2`),
 * SINEW_WEBHOOK_TIMEOUT_MS (10000), SINEW_OUTBOUND_ALLOW_LOOPBACK (src/outbound/loopback-flag.ts),
 * SINEW_DATADOG_URL_TEMPLATE, SINEW_EVENT_POLL_MS (1000),
 * SINEW_WEBHOOK_CONCURRENCY (128).
 */
export function readEventDeliveryConfig(env: NodeJS.ProcessEnv, embedded: boolean): EventDeliveryConfig {
  const scheduleText = env.SINEW_WEBHOOK_RETRY_SCHEDULE;
  let retryScheduleMs = DEFAULT_RETRY_SCHEDULE_MS;
  if (scheduleText !== undefined && scheduleText.trim() !== '') {
    const parsed = scheduleText.split(',').map((s) => Number(s.trim()) * 1000);
    if (parsed.some((n) => !Number.isFinite(n) || n < 0))
      throw new Error(`SINEW_WEBHOOK_RETRY_SCHEDULE must be comma-separated seconds, got ${scheduleText}`);
    retryScheduleMs = parsed;
  }
  return {
    retryScheduleMs,
    timeoutMs: positive(env.SINEW_WEBHOOK_TIMEOUT_MS, 10_000),
    allowLoopback: readAllowLoopback(env, embedded),
    datadogUrlTemplate: env.SINEW_DATADOG_URL_TEMPLATE || 'https://api.{site}/api/v1/events',
    pollMs: positive(env.SINEW_EVENT_POLL_MS, 1000),
    concurrency: Math.floor(positive(env.SINEW_WEBHOOK_CONCURRENCY, 128)),
  };
}

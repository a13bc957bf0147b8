import type { ApiTarget } from './api-client.js';
import { UsageError } from './cli-args.js';

/** True when the command line or the environment carries an API key. */
export const hasApiKey = (values: { key?: string }): boolean => Boolean(values.key ?? process.env.SINEW_API_KEY);

/** Where the CLI finds Sinew and with which key: --url/SINEW_URL, --key/SINEW_API_KEY, --env/SINEW_ENV_ID. */
export function apiTargetFrom(values: { url?: string; key?: string; env?: string }): ApiTarget {
  const key = values.key ?? process.env.SINEW_API_KEY;
  if (!key)
    throw new UsageError('an API key is needed: --key or SINEW_API_KEY (npm start printed it on first run; `sinew keys create` makes one)');
  return {
    url: (values.url ?? process.env.SINEW_URL ?? `http://127.0.0.1:${process.env.PORT ?? 8080}`).replace(/\/$/, ''),
    key,
    env: values.env ?? process.env.SINEW_ENV_ID ?? 'dev.sinew.local',
  };
}

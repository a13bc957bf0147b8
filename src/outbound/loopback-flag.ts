/**
 * The operator's runtime flag for loopback: `SINEW_OUTBOUND_ALLOW_LOOPBACK` (`true`/`1` or
 * `false`/`0`), read under its older name `SINEW_WEBHOOK_ALLOW_LOOPBACK` when unset (it covered
 * webhooks only, before connectors had a policy). Unset: true on the embedded SQLite store — its
 * example and a developer's local servers keep working — and false in production mode
 * (PostgreSQL), where Sinew's own API, database and neighbours listen on loopback.
 */
export function readAllowLoopback(env: NodeJS.ProcessEnv, embedded: boolean): boolean {
  const text = env.SINEW_OUTBOUND_ALLOW_LOOPBACK || env.SINEW_WEBHOOK_ALLOW_LOOPBACK;
  if (text === undefined || text === '') return embedded;
  return text === 'true' || text === '1';
}

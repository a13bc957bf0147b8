/**
 * Whether an error means the database connection was lost or could not be made — the server
 * terminated the backend (pg_terminate_backend, a restart, a failover), the network dropped, or the
 * server refused new connections — as opposed to a query the server answered with an error. Such a
 * failure says nothing about the work itself: the same work may succeed on a new connection, so
 * background loops retry it with back-off instead of giving up (or exiting).
 */
export function isConnectionLoss(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    // SQLSTATE class 08: connection exception; 57P01-57P03: admin / crash shutdown, cannot connect now;
    // 25P03: the server ended a session left idle in a transaction (idle_in_transaction_session_timeout).
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '25P03') return true;
    if (SOCKET_CODES.has(code)) return true;
  }
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && LOST_MESSAGES.some((m) => message.includes(m));
}

const SOCKET_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** What node-postgres says (with no code) when a connection ends under a query or a pooled client. */
const LOST_MESSAGES = ['Connection terminated', 'is not queryable', 'timeout expired', 'timeout exceeded when trying to connect'];

/**
 * The one catalogue of error codes Sinew answers with. Every error that reaches an API client
 * carries one of these codes; the HTTP status is derived from the code, never chosen ad hoc.
 */
export const ERROR_CATALOGUE = {
  VALIDATION_FAILED: { status: 400, summary: 'The request is malformed or a field is invalid.' },
  UNAUTHORIZED: { status: 401, summary: 'No valid API key or tenant token was presented.' },
  FORBIDDEN: { status: 403, summary: 'The key is valid but may not act on this resource.' },
  FORBIDDEN_FIELD: { status: 403, summary: 'A tenant sent a field only the owner may send (named in details.fields).' },
  NOT_FOUND: { status: 404, summary: 'The resource does not exist (or is not visible to this key).' },
  METHOD_NOT_ALLOWED: { status: 405, summary: 'The resource does not accept this method.' },
  CONFLICT: { status: 409, summary: 'The request conflicts with the current state of the resource.' },
  JOB_ALREADY_ACTIVE: { status: 409, summary: 'A job for this link is already queued or running.' },
  INVALID_JOB_TRANSITION: { status: 409, summary: 'The job cannot move from its current status to the requested one.' },
  READ_ONLY: { status: 409, summary: 'Built-in definitions cannot be changed or deleted.' },
  REQUEST_TIMEOUT: { status: 408, summary: 'The request did not arrive in time.' },
  PAYLOAD_TOO_LARGE: { status: 413, summary: 'The request body is larger than allowed.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, summary: 'The request body must be JSON.' },
  CONNECTOR_NOT_SUPPORTED: { status: 422, summary: 'The connector is not allowed by this flow or cannot act in this role.' },
  CONNECTOR_FAILED: { status: 422, summary: 'The connector process failed.' },
  ADDRESS_REFUSED: {
    status: 422,
    summary:
      'A host in the config is one the outbound address policy refuses (loopback, private, link-local); the field is named in details.field.',
  },
  OAUTH_NOT_CONFIGURED: { status: 422, summary: 'The connector does not declare OAuth, or the environment has no OAuth app for it.' },
  OAUTH_TOKEN_FAILED: {
    status: 422,
    summary:
      "The connector's token endpoint refused or could not be reached (details.oauth_error names its error, e.g. invalid_grant): the tenant must link again.",
  },
  CREDENTIALS_REJECTED: {
    status: 422,
    summary:
      "The connected system refused the link's credentials (401), even after a refresh: the link is now invalid and the tenant must link again.",
  },
  CREDENTIALS_REFUSED: {
    status: 422,
    summary: "The connector's credential check says the credentials do not work (details.check names it); nothing was linked.",
  },
  LINK_VALIDATION_REFUSED: {
    status: 422,
    summary: "The owner's link validation webhook refused the link (its message says why); nothing was linked.",
  },
  LINK_VALIDATION_UNAVAILABLE: {
    status: 503,
    summary: "The owner's link validation webhook did not answer with a verdict in time; nothing was linked.",
  },
  RATE_LIMITED: { status: 429, summary: 'Too many requests.' },
  HEADERS_TOO_LARGE: { status: 431, summary: 'The request line and headers are larger than the server reads (16 KiB).' },
  INTERNAL: { status: 500, summary: 'An unexpected error; it has been logged.' },
  UNAVAILABLE: { status: 503, summary: 'A dependency (store, queue) is not reachable.' },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

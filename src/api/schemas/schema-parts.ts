/**
 * Small pieces the response schemas share. A response schema documents an answer; it is never used
 * to write one (src/api/build-server.ts), so an open object here loses nothing, and
 * test/api/openapi-responses.test.ts checks real answers against these schemas.
 */
export const text = { type: 'string' } as const;
export const nullableText = { type: ['string', 'null'] } as const;
export const dateTime = { type: 'string', format: 'date-time' } as const;
export const nullableDateTime = { type: ['string', 'null'], format: 'date-time' } as const;
/** A document whose keys are the caller's or a connector's (config, state, catalog): any fields. */
export const openObject = (description?: string) =>
  ({ type: 'object', additionalProperties: true, ...(description ? { description } : {}) }) as const;
export const nullableOpenObject = (description?: string) =>
  ({ type: ['object', 'null'], additionalProperties: true, ...(description ? { description } : {}) }) as const;
/** `{ "<stream>": n }` */
export const countsByStream = { type: 'object', additionalProperties: { type: 'integer' } } as const;

/** The answer of a route that answers with no body (DELETE, revoke). */
export const noContent = { 204: { type: 'null', description: 'Done; no body' } } as const;

/** A plain-text answer (logs, metrics, NDJSON). */
export const textAnswer = (type: string, description: string) =>
  ({ description, content: { [type]: { schema: { type: 'string' } } } }) as const;

import type { RouteCaller } from '../../auth/route-permissions.js';
import { ERROR_CATALOGUE, type ErrorCode } from '../../errors/catalogue.js';

/** The one error body (src/errors/sinew-error.ts `toBody()`), a component of /openapi.json. */
export const errorSchema = {
  type: 'object',
  required: ['error'],
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      additionalProperties: false,
      properties: {
        code: { type: 'string', enum: Object.keys(ERROR_CATALOGUE) },
        message: { type: 'string', description: 'For people: what went wrong and, where it can, what to do' },
        details: { type: 'object', additionalProperties: true, description: 'For programs: the fields, ids or limits the error is about' },
      },
    },
  },
} as const;

/** What a route's shape tells about the errors it can answer with, beyond those it names itself. */
export interface RouteShape {
  caller: RouteCaller;
  hasPathParams: boolean;
  validates: boolean;
  hasBody: boolean;
  /** Codes the route answers with beyond the ones its shape implies (route config `errors`). */
  extra: readonly ErrorCode[];
}

/**
 * The error codes a route documents, derived from its shape so that no route forgets one: every
 * checked input can be a 400, every keyed route a 401/403, every path naming a resource a 404,
 * every body a 413/415. `default` covers the rest (500, 503) for every route.
 */
export function errorCodesOf(shape: RouteShape): ErrorCode[] {
  const codes = new Set<ErrorCode>(shape.extra);
  if (shape.validates || shape.hasBody) codes.add('VALIDATION_FAILED');
  if (shape.caller !== 'anyone') {
    codes.add('UNAUTHORIZED');
    codes.add('FORBIDDEN');
  }
  if (shape.hasPathParams) codes.add('NOT_FOUND');
  if (shape.hasBody) {
    codes.add('PAYLOAD_TOO_LARGE');
    codes.add('UNSUPPORTED_MEDIA_TYPE');
  }
  return [...codes];
}

/** `{ "403": { description, $ref Error }, …, default }`: the codes grouped by their HTTP status. */
export function errorResponses(codes: readonly ErrorCode[]): Record<string, { description: string; $ref: string }> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = ERROR_CATALOGUE[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, { description: string; $ref: string }> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = { description: list.map((c) => `\`${c}\`: ${ERROR_CATALOGUE[c].summary}`).join(' '), $ref: 'Error#' };
  }
  responses.default = { description: 'Any other error, e.g. `INTERNAL` (500) or `UNAVAILABLE` (503), with the same body', $ref: 'Error#' };
  return responses;
}

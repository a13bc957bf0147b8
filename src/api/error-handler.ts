import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isSinewError, SinewError } from '../errors/sinew-error.js';
import { isConnectionLoss } from '../runtime/postgres-connection-loss.js';

/** Fastify's own error codes for bad input, mapped onto the catalogue. */
const FASTIFY_CODES: Record<string, SinewError['code']> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'VALIDATION_FAILED',
  FST_ERR_CTP_INVALID_JSON_BODY: 'VALIDATION_FAILED',
  FST_ERR_VALIDATION: 'VALIDATION_FAILED',
};

/** Every error leaves as `{ error: { code, message, details } }`; bad input is a 4xx, never a 500 or a stack trace. */
export function toSinewError(err: unknown): SinewError {
  if (isSinewError(err)) return err;
  const e = err as FastifyError & { validation?: unknown[]; validationContext?: string };
  if (e.validation) {
    const problems = e.validation.map((v) => {
      const item = v as { instancePath?: string; message?: string; params?: Record<string, unknown> };
      const where = `${e.validationContext ?? 'body'}${item.instancePath ?? ''}`;
      const extra = item.params?.additionalProperty ? ` (${String(item.params.additionalProperty)})` : '';
      return `${where} ${item.message ?? 'is invalid'}${extra}`;
    });
    return new SinewError('VALIDATION_FAILED', `invalid request: ${problems.join('; ')}`, { problems });
  }
  if (e instanceof SyntaxError) return new SinewError('VALIDATION_FAILED', `the body is not valid JSON: ${e.message}`);
  const mapped = e.code ? FASTIFY_CODES[e.code] : undefined;
  if (mapped) return new SinewError(mapped, e.message);
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new SinewError(
      e.statusCode === 404 ? 'NOT_FOUND' : e.statusCode === 405 ? 'METHOD_NOT_ALLOWED' : 'VALIDATION_FAILED',
      e.message,
    );
  }
  // The request met a database outage, not a bug: 503, which a client may retry.
  if (isConnectionLoss(err)) return new SinewError('UNAVAILABLE', 'the database connection was lost while answering; try again');
  return new SinewError('INTERNAL', 'an unexpected error occurred; it has been logged');
}

export function errorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const error = toSinewError(err);
  if (error.code === 'INTERNAL') request.log.error({ err }, 'unexpected error');
  void reply.status(error.status).type('application/json').send(error.toBody());
}

import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SinewError } from '../errors/sinew-error.js';
import { toSinewError } from './error-handler.js';

/**
 * Errors Fastify's router meets before a route (and so the error handler) is chosen: a path that
 * is not valid percent-encoding, or a segment over maxParamLength. Left to Fastify they answer in
 * its own shape (`{ error, code: "FST_ERR_…", statusCode }`, a 414 outside the catalogue), which
 * breaks the one error contract every client parses.
 */
export function frameworkErrors(err: Error & { code?: string }, _request: FastifyRequest, reply: FastifyReply): void {
  const error =
    err.code === 'FST_ERR_BAD_URL'
      ? new SinewError('VALIDATION_FAILED', 'the path is not valid percent-encoding')
      : err.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? new SinewError('VALIDATION_FAILED', 'a path segment is too long')
        : toSinewError(err);
  void reply.status(error.status).type('application/json').send(error.toBody());
}

/**
 * Requests Node's HTTP parser refuses (headers over its 16 KiB, a malformed request line, a
 * request that took too long to arrive): there is no request object, so the answer is written on
 * the socket, in the catalogue's shape, and the connection is closed (and says so, so a keep-alive
 * client does not send its next request into a closed socket).
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const error =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? new SinewError('HEADERS_TOO_LARGE', 'the request line and headers are larger than the server reads')
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new SinewError('REQUEST_TIMEOUT', 'the request did not arrive in time')
        : new SinewError('VALIDATION_FAILED', 'the request is not valid HTTP');
  const body = JSON.stringify(error.toBody());
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${error.status} ${reasonOf(error.status)}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

function reasonOf(status: number): string {
  return status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request';
}

import type { FastifyRequest } from 'fastify';
import { invalid } from '../errors/sinew-error.js';

/**
 * Refuses a NUL character in a path parameter or query value (`%00`), with 400 VALIDATION_FAILED.
 * PostgreSQL text cannot hold one: such an id reached a query and failed there with "invalid byte
 * sequence for encoding UTF8: 0x00", a 500 (SQLite stores it, so only production mode showed it).
 * No id, name or filter Sinew takes has a use for one. Runs after authentication, like validation.
 */
export async function refuseNulBytes(request: FastifyRequest): Promise<void> {
  for (const [part, values] of [
    ['path', request.params],
    ['query', request.query],
  ] as const) {
    for (const [name, value] of Object.entries((values ?? {}) as Record<string, unknown>)) {
      const texts = Array.isArray(value) ? value : [value];
      if (texts.some((t) => typeof t === 'string' && t.includes('\u0000')))
        throw invalid(`${part} parameter ${name} contains a NUL character`, { parameter: name });
    }
  }
}

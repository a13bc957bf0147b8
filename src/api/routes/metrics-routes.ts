import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { SinewError } from '../../errors/sinew-error.js';
import type { SinewMetrics } from '../../metrics/sinew-metrics.js';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Compared as digests: equal lengths for timingSafeEqual, and no timing hint about the token. */
function presentsToken(authorization: string | undefined, token: string): boolean {
  if (!authorization?.startsWith('Bearer ')) return false;
  return timingSafeEqual(digest(authorization.slice(7)), digest(token));
}

/**
 * `GET /metrics`, the Prometheus text format. Not behind the API key (a scraper has none, and the
 * numbers name no tenant); with SINEW_METRICS_TOKEN set it needs `Authorization: Bearer <token>`,
 * for deployments where the port is reachable by more than the scraper.
 */
export function registerMetricsRoutes(app: FastifyInstance, metrics: SinewMetrics): void {
  app.get(
    '/metrics',
    {
      schema: {
        response: { 200: { description: 'The Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } } },
      },
      config: { summary: 'Prometheus metrics (text format); a bearer token when SINEW_METRICS_TOKEN is set', errors: ['UNAUTHORIZED'] },
    },
    async (request, reply) => {
      const token = metrics.scrapeToken;
      if (token !== undefined && !presentsToken(request.headers.authorization, token)) {
        void reply.header('www-authenticate', 'Bearer realm="sinew-metrics"');
        throw new SinewError('UNAUTHORIZED', 'this endpoint needs Authorization: Bearer <SINEW_METRICS_TOKEN>');
      }
      const { contentType, body } = await metrics.exposition();
      return reply.type(contentType).send(body);
    },
  );
}

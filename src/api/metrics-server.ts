import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import { SinewError } from '../errors/sinew-error.js';
import { errorHandler } from './error-handler.js';
import { registerHealthRoutes } from './routes/health-routes.js';
import { registerMetricsRoutes } from './routes/metrics-routes.js';
import type { SinewServices } from './sinew-services.js';

export interface MetricsServer {
  /** e.g. `http://127.0.0.1:9464`. */
  url: string;
  close(): Promise<void>;
}

/**
 * `/metrics`, `/health` and `/ready` on a port of their own (SINEW_METRICS_PORT): what a process
 * without the API (`sinew worker`, `sinew scheduler`) exposes for Prometheus and its probes — and,
 * in an API process, a way to keep metrics off the public port. Same routes as the API serves.
 */
export async function startMetricsServer(services: SinewServices, opts: { port: number; host: string }): Promise<MetricsServer> {
  const app = Fastify({
    loggerInstance: services.logger as unknown as FastifyBaseLogger,
    // Probes and scrapes every few seconds are not worth a log line each.
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((_request, reply) => {
    void reply.status(404).send(new SinewError('NOT_FOUND', 'this port serves /metrics, /health and /ready only').toBody());
  });
  registerHealthRoutes(app, services);
  registerMetricsRoutes(app, services.metrics);
  const url = (await app.listen({ port: opts.port, host: opts.host })).replace('[::1]', '127.0.0.1');
  return { url, close: () => app.close() };
}

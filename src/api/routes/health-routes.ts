import type { FastifyInstance } from 'fastify';
import type { SinewServices } from '../../app/services.js';

export function registerHealthRoutes(app: FastifyInstance, _services: SinewServices): void {
  app.get('/health', { config: { auth: 'none', summary: 'Answers 200 when the process can serve' } }, async () => ({ status: 'ok' }));
}

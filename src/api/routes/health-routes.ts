import type { FastifyInstance } from 'fastify';
import type { SinewServices } from '../../app/services.js';
import { withTimeout } from '../../runtime/with-timeout.js';

const READY_TIMEOUT_MS = 2000;

/**
 * `/health`: the process can serve (liveness). `/ready`: its dependencies answer too — the store
 * (a real query) and the queue — so a load balancer sends traffic only to instances that can work.
 */
export function registerHealthRoutes(app: FastifyInstance, services: SinewServices): void {
  app.get('/health', { config: { auth: 'none', summary: 'Answers 200 when the process can serve' } }, async () => ({ status: 'ok' }));
  app.get('/ready', { config: { auth: 'none', summary: 'Answers 200 when the store and the queue are reachable, 503 otherwise' } }, async (_req, reply) => {
    const checks: Record<string, { ok: boolean; error?: string }> = {};
    try {
      // A store that does not answer is as unready as one that fails: bounded, never a hung probe.
      await withTimeout(services.store.isMigrated(), READY_TIMEOUT_MS, 'the store did not answer in time');
      checks.store = { ok: true };
    } catch (e) {
      checks.store = { ok: false, error: (e as Error).message };
    }
    checks.queue = { ok: true };
    const ready = Object.values(checks).every((c) => c.ok);
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks, queue_depth: services.queue.depth() });
  });
}

import type { FastifyInstance } from 'fastify';
import { withTimeout } from '../../runtime/with-timeout.js';
import type { SinewServices } from '../sinew-services.js';

const READY_TIMEOUT_MS = 2000;

const check = {
  type: 'object',
  additionalProperties: false,
  required: ['ok'],
  properties: { ok: { type: 'boolean' }, error: { type: 'string' } },
} as const;
/** The same body for 200 and 503: which dependency failed, and why. */
const readiness = {
  type: 'object',
  additionalProperties: false,
  required: ['status', 'checks', 'queue_depth'],
  properties: {
    status: { type: 'string', enum: ['ready', 'unavailable'] },
    checks: { type: 'object', additionalProperties: false, properties: { store: check, queue: check } },
    queue_depth: { type: ['integer', 'null'], description: 'Jobs waiting in the queue (null when the queue did not answer)' },
  },
} as const;

/**
 * `/health`: the process can serve (liveness). `/ready`: its dependencies answer too — the store
 * (a real query) and the queue — so a load balancer sends traffic only to instances that can work.
 */
export function registerHealthRoutes(app: FastifyInstance, services: SinewServices): void {
  app.get(
    '/health',
    {
      schema: {
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['status'],
            properties: { status: { type: 'string', enum: ['ok'] } },
          },
        },
      },
      config: { summary: 'Answers 200 when the process can serve' },
    },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/ready',
    {
      schema: { response: { 200: readiness, 503: { ...readiness, description: 'A dependency does not answer' } } },
      config: { summary: 'Answers 200 when the store and the queue are reachable (with the queue depth), 503 otherwise' },
    },
    async (_req, reply) => {
      const checks: Record<string, { ok: boolean; error?: string }> = {};
      // A dependency that does not answer is as unready as one that fails: bounded, never a hung probe.
      const [store, depth] = await Promise.allSettled([
        withTimeout(services.store.isMigrated(), READY_TIMEOUT_MS, 'the store did not answer in time'),
        withTimeout(services.queue.depth(), READY_TIMEOUT_MS, 'the job queue did not answer in time'),
      ]);
      checks.store = store.status === 'fulfilled' ? { ok: true } : { ok: false, error: (store.reason as Error).message };
      checks.queue = depth.status === 'fulfilled' ? { ok: true } : { ok: false, error: (depth.reason as Error).message };
      const ready = Object.values(checks).every((c) => c.ok);
      const queueDepth = depth.status === 'fulfilled' ? depth.value : null;
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks, queue_depth: queueDepth });
    },
  );
}

import type { FastifyInstance } from 'fastify';
import type { SinewServices } from '../../app/services.js';
import type { EventKind } from '../../model/event.js';
import type { EventDeliveryStatus } from '../../store/delivery-ops.js';
import { environmentSettings, type MonitoringSettings } from '../../settings/environment-settings.js';
import { urlRefusal } from '../../events/address-policy.js';
import { invalid } from '../../errors/sinew-error.js';
import { envParams } from './route-params.js';

const eventParams = { type: 'object', required: ['env', 'event_id'], properties: { env: envParams.properties.env, event_id: { type: 'string', minLength: 1, maxLength: 200 } } } as const;
const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    kind: { type: 'string', enum: ['job_lifecycle', 'discover', 'connection'] },
    status: { type: 'string', enum: ['pending', 'delivering', 'delivered', 'failed', 'no_destination'] },
    limit: { type: 'integer', minimum: 1, maximum: 500 },
    before: { type: 'string', minLength: 1 },
  },
} as const;

/** The monitoring URLs of a settings PUT that the environment may not reach (checked again at connection time). */
function refusedMonitoringUrls(monitoring: Partial<MonitoringSettings> | undefined, stored: MonitoringSettings, allowLoopback: boolean): string[] {
  if (!monitoring) return [];
  const allowPrivate = monitoring.allow_private_urls ?? stored.allow_private_urls ?? false;
  const urls = [...Object.values(monitoring.webhooks ?? {}).map((s) => s?.url), monitoring.slack?.webhook_url].filter((u): u is string => typeof u === 'string');
  return urls.map((u) => urlRefusal(u, { allowPrivate, allowLoopback })).filter((why): why is string => why !== null);
}

/** Events out: the outbox with its deliveries and attempts, and redelivery (environment key). */
export function registerEventRoutes(app: FastifyInstance, s: SinewServices): void {
  // Saving a webhook URL to a loopback/private address is refused up front; the check that counts
  // runs again on every connection (src/events/address-policy.ts).
  app.addHook('preHandler', async (req) => {
    if (req.method !== 'PUT' || req.routeOptions.url !== '/:env/settings') return;
    const body = req.body as { monitoring?: Partial<MonitoringSettings> } | undefined;
    const env = await s.store.getEnvironment((req.params as { env: string }).env);
    const refused = refusedMonitoringUrls(body?.monitoring, environmentSettings(env?.settings ?? {}).monitoring, s.events.allowLoopback);
    if (refused.length > 0) throw invalid(`monitoring URL refused: ${refused.join('; ')}`, { refused });
  });

  app.get<{ Params: { env: string }; Querystring: { kind?: EventKind; status?: EventDeliveryStatus; limit?: number; before?: string } }>(
    '/:env/events',
    { schema: { params: envParams, querystring: listQuery }, config: { summary: 'Events (job lifecycle, discover, connection), newest first' } },
    async (req) => s.events.list(req.params.env, { ...req.query, limit: req.query.limit ?? 50 }),
  );
  app.get<{ Params: { env: string; event_id: string } }>(
    '/:env/events/:event_id',
    { schema: { params: eventParams }, config: { summary: 'One event with its deliveries and every attempt' } },
    async (req) => s.events.get(req.params.env, req.params.event_id),
  );
  app.post<{ Params: { env: string; event_id: string }; Querystring: { destination?: string } }>(
    '/:env/events/:event_id/redeliver',
    {
      schema: { params: eventParams, querystring: { type: 'object', additionalProperties: false, properties: { destination: { type: 'string', enum: ['webhook', 'datadog', 'slack'] } } } },
      config: { summary: 'Send an event again now (every destination, or ?destination=)' },
    },
    async (req) => s.events.redeliver(req.params.env, req.params.event_id, req.query.destination),
  );
}

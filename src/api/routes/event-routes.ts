import type { FastifyInstance } from 'fastify';
import type { EventKind } from '../../model/event.js';
import { SINK_NAMES } from '../../sinks/sink-registry.js';
import type { EventDeliveryStatus } from '../../store/delivery-ops.js';
import { listOf, ref } from '../schemas/shared-schemas.js';
import type { SinewServices } from '../sinew-services.js';
import { envParams } from './route-params.js';

const eventParams = {
  type: 'object',
  required: ['env', 'event_id'],
  properties: { env: envParams.properties.env, event_id: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;
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

/** Events out: the outbox with its deliveries and attempts, and redelivery (environment key). */
export function registerEventRoutes(app: FastifyInstance, s: SinewServices): void {
  app.get<{ Params: { env: string }; Querystring: { kind?: EventKind; status?: EventDeliveryStatus; limit?: number; before?: string } }>(
    '/:env/events',
    {
      schema: { params: envParams, querystring: listQuery, response: { 200: listOf('Event') } },
      config: { summary: 'Events (job lifecycle, discover, connection), newest first' },
    },
    async (req) => s.events.list(req.params.env, { ...req.query, limit: req.query.limit ?? 50 }),
  );
  app.get<{ Params: { env: string; event_id: string } }>(
    '/:env/events/:event_id',
    {
      schema: { params: eventParams, response: { 200: ref('EventDetail') } },
      config: { summary: 'One event with its deliveries and every attempt' },
    },
    async (req) => s.events.get(req.params.env, req.params.event_id),
  );
  app.post<{ Params: { env: string; event_id: string }; Querystring: { destination?: string } }>(
    '/:env/events/:event_id/redeliver',
    {
      schema: {
        params: eventParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { destination: { type: 'string', enum: [...SINK_NAMES] } },
        },
        response: { 200: ref('EventDetail') },
      },
      config: { summary: 'Send an event again now (every destination, or ?destination=)' },
    },
    async (req) => s.events.redeliver(req.params.env, req.params.event_id, req.query.destination),
  );
}

import type { FastifyInstance } from 'fastify';
import { singerCatalogue } from '../../connectors/catalogue/singer-catalogue.js';
import { singerConnectorSchema } from '../../connectors/connector-definition-schema.js';
import type { SingerConnectorInput } from '../../connectors/connector-service.js';
import { catalogueEntrySchema } from '../schemas/connector-catalogue-schema.js';
import { noContent } from '../schemas/schema-parts.js';
import { listOf, ref } from '../schemas/shared-schemas.js';
import type { SinewServices } from '../sinew-services.js';
import { envParams } from './route-params.js';

const connectorParams = {
  type: 'object',
  required: ['env', 'id'],
  properties: { env: { type: 'string' }, id: { type: 'string', minLength: 1, maxLength: 100 } },
} as const;

/** Connector definitions: built-ins listed read-only, Singer executables registered per environment. */
export function registerConnectorRoutes(app: FastifyInstance, s: SinewServices): void {
  app.get<{ Params: { env: string } }>(
    '/:env/connectors',
    { schema: { params: envParams, response: { 200: listOf('ConnectorDefinition') } }, config: { summary: 'List connector definitions' } },
    async (req) => s.connectors.list(req.params.env),
  );
  app.get<{ Params: { env: string } }>(
    '/:env/connectors/catalogue',
    {
      schema: { params: envParams, response: { 200: { type: 'array', items: catalogueEntrySchema } } },
      config: { summary: 'Well-known Singer connectors Sinew can install by name' },
    },
    async () => singerCatalogue(),
  );
  app.get<{ Params: { env: string; id: string } }>(
    '/:env/connectors/:id',
    { schema: { params: connectorParams, response: { 200: ref('ConnectorDefinition') } }, config: { summary: 'One connector definition' } },
    async (req) => s.connectors.get(req.params.env, req.params.id),
  );
  app.put<{ Params: { env: string; id: string }; Body: SingerConnectorInput }>(
    '/:env/connectors/:id',
    {
      schema: { params: connectorParams, body: singerConnectorSchema, response: { 200: ref('ConnectorDefinition') } },
      // Registering runs the executable with --about --format=json and --help (10 s at most each).
      config: { summary: 'Register a Singer tap or target; probes what it takes', errors: ['READ_ONLY'] },
    },
    async (req) => s.connectors.put(req.params.env, req.params.id, req.body),
  );
  app.post<{ Params: { env: string; id: string } }>(
    '/:env/connectors/:id/install',
    {
      schema: { params: connectorParams, response: { 200: ref('ConnectorDefinition') } },
      // Answers at once with install.status installing; GET …/connectors/{id} follows it.
      config: {
        summary: 'Install (again) a connector registered with install; one install at a time per connector',
        errors: ['READ_ONLY', 'NOT_FOUND'],
      },
    },
    async (req) => s.connectors.install(req.params.env, req.params.id),
  );
  app.delete<{ Params: { env: string; id: string } }>(
    '/:env/connectors/:id',
    {
      schema: { params: connectorParams, response: noContent },
      config: { summary: 'Remove a registered connector', errors: ['READ_ONLY'] },
    },
    async (req, reply) => {
      await s.connectors.remove(req.params.env, req.params.id);
      return reply.status(204).send();
    },
  );
}

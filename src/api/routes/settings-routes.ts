import type { FastifyInstance } from 'fastify';
import type { SinewServices } from '../../app/services.js';
import { settingsSchema } from '../../settings/settings-service.js';
import { envParams } from './route-params.js';

export function registerSettingsRoutes(app: FastifyInstance, s: SinewServices): void {
  app.get<{ Params: { env: string } }>('/:env/settings', { schema: { params: envParams }, config: { summary: 'Environment settings (secrets redacted)' } }, async (req) => s.settings.get(req.params.env));
  app.put<{ Params: { env: string }; Body: Record<string, unknown> }>(
    '/:env/settings',
    { schema: { params: envParams, body: settingsSchema }, config: { summary: 'Change environment settings (sections merge)' } },
    async (req) => s.settings.put(req.params.env, req.body),
  );
}

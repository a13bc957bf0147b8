import type { FastifyInstance } from 'fastify';
import { settingsSchema } from '../../settings/settings-service.js';
import type { SinewServices } from '../sinew-services.js';
import { envParams } from './route-params.js';

/** The settings in force, each section with its defaults, and `set`: the ones the owner set. */
const settingsView = { ...settingsSchema, required: ['job_settings', 'monitoring', 'storage', 'network', 'retention', 'set'] } as const;

export function registerSettingsRoutes(app: FastifyInstance, s: SinewServices): void {
  app.get<{ Params: { env: string } }>(
    '/:env/settings',
    { schema: { params: envParams, response: { 200: settingsView } }, config: { summary: 'Environment settings (secrets redacted)' } },
    async (req) => s.settings.get(req.params.env),
  );
  app.put<{ Params: { env: string }; Body: Record<string, unknown> }>(
    '/:env/settings',
    {
      schema: { params: envParams, body: settingsSchema, response: { 200: settingsView } },
      config: { summary: 'Change environment settings (sections merge)' },
    },
    async (req) => s.settings.put(req.params.env, req.body),
  );
}

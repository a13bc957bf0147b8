import type { FastifyInstance } from 'fastify';
import { jobOverview } from '../../jobs/job-overview.js';
import { jobOverviewSchema } from '../schemas/job-overview-schema.js';
import type { SinewServices } from '../sinew-services.js';
import { envParams } from './route-params.js';

/**
 * `GET /{env}/jobs/overview` (owner only): the aggregates the dashboard's first page shows — jobs
 * by status over 24 hours and 7 days, failures per day, failing, slowest and invalid links — counted
 * by the database, so a browser never fetches 100,000 jobs to draw them.
 */
export function registerJobOverviewRoutes(app: FastifyInstance, s: SinewServices): void {
  app.get<{ Params: { env: string } }>(
    '/:env/jobs/overview',
    {
      schema: { params: envParams, response: { 200: jobOverviewSchema } },
      config: {
        summary: "The environment's jobs at a glance: counts by status (24 h, 7 d), failures per day, failing, slowest and invalid links",
      },
    },
    async (req) => jobOverview(s.store, req.params.env),
  );
}

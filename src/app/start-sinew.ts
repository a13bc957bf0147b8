import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { buildServer } from '../api/build-server.js';
import { Worker } from '../jobs/worker.js';
import { JobPlanBuilder } from '../jobs/job-plan-builder.js';
import { Scheduler } from '../schedules/scheduler.js';
import { EventDispatcher } from '../events/event-dispatcher.js';
import { createServices } from './create-services.js';
import { bootstrapEnvironment, type BootstrapResult } from './bootstrap.js';
import type { SinewServices } from './services.js';
import { ALL_ROLES, type BackgroundRole, type RoleSelection } from './background-role.js';
import { startMetricsServer, type MetricsServer } from '../metrics/metrics-server.js';

export interface RunningSinew {
  /** The API's base URL ('' when this process runs no API). */
  url: string;
  /** The SINEW_METRICS_PORT listener's base URL ('' when not asked for). */
  metricsUrl: string;
  services: SinewServices;
  bootstrap: BootstrapResult;
  stop(): Promise<void>;
}

/** The background roles this process runs, in start order (stopped in reverse). */
function backgroundRoles(services: SinewServices, config: RuntimeConfig, roles: RoleSelection, apiUrl: string): BackgroundRole[] {
  const out: BackgroundRole[] = [];
  if (roles.worker) {
    out.push(
      new Worker({
        store: services.store,
        queue: services.queue,
        storage: services.storageRouter,
        lifecycle: services.lifecycle,
        planBuilder: new JobPlanBuilder(services.store, services.box, apiUrl),
        logger: services.logger,
        concurrency: config.workerConcurrency,
      }),
    );
  }
  if (roles.worker) {
    out.push(new EventDispatcher({ store: services.store, config: config.events, notifier: services.outbox, logger: services.logger, metrics: services.metrics }));
  }
  if (roles.scheduler) {
    out.push(new Scheduler({ store: services.store, jobs: services.jobs, box: services.box, logger: services.logger, changes: services.schedules.changes }));
  }
  return out;
}

/** `sinew serve` (all roles) — the embedded default: API, worker and scheduler in one process. */
export async function startSinew(config: RuntimeConfig, roles: RoleSelection = ALL_ROLES): Promise<RunningSinew> {
  const logger = pino({
    level: config.logLevel,
    redact: { paths: ['req.headers["x-api-key"]', 'req.headers.authorization', '*.config', '*.password', '*.secret'], censor: '********' },
  });
  const services = await createServices(config, logger);
  const bootstrap = await bootstrapEnvironment(services, config);
  let server: FastifyInstance | undefined;
  let metricsServer: MetricsServer | undefined;
  const started: BackgroundRole[] = [];
  try {
    let url = '';
    if (roles.api) {
      server = await buildServer(services);
      url = (await server.listen({ port: config.port, host: config.host })).replace('[::1]', '127.0.0.1');
    }
    if (config.metricsPort !== undefined) metricsServer = await startMetricsServer(services, { port: config.metricsPort, host: config.host });
    for (const role of backgroundRoles(services, config, roles, url || `http://${config.host}:${config.port}`)) {
      await role.start();
      started.push(role);
    }
    let stopped = false;
    return {
      url,
      metricsUrl: metricsServer?.url ?? '',
      services,
      bootstrap,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await server?.close();
        await services.writes.close();
        for (const role of [...started].reverse()) await role.stop();
        // Last: a draining worker stays observable (and live to its probes) until its jobs end.
        await metricsServer?.close();
        await services.storageRouter.close();
        await services.store.close();
      },
    };
  } catch (e) {
    await server?.close();
    await metricsServer?.close();
    for (const role of [...started].reverse()) await role.stop().catch(() => {});
    await services.store.close();
    throw e;
  }
}

import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildServer } from '../api/build-server.js';
import { type MetricsServer, startMetricsServer } from '../api/metrics-server.js';
import type { SinewServices } from '../api/sinew-services.js';
import { WebBundles } from '../api/web-bundles.js';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { EventDispatcher } from '../events/event-dispatcher.js';
import { JobPlanBuilder } from '../jobs/job-plan-builder.js';
import { sweepJobSecretsDirs } from '../jobs/job-secrets-dir.js';
import { Worker } from '../jobs/worker.js';
import { RetentionPruner } from '../retention/retention-pruner.js';
import { RetentionRole } from '../retention/retention-role.js';
import { ALL_ROLES, type BackgroundRole, type RoleSelection } from '../runtime/background-role.js';
import { sweepConnectorRunDirs } from '../runtime/connector-run-dir.js';
import { assertPortFree, portError } from '../runtime/port-check.js';
import { Scheduler } from '../schedules/scheduler.js';
import { lockDataDir } from '../store/data-dir-lock.js';
import { type BootstrapResult, bootstrapEnvironment } from './bootstrap.js';
import { createServices } from './create-services.js';

export interface RunningSinew {
  /** The API's base URL ('' when this process runs no API). */
  url: string;
  /** The SINEW_METRICS_PORT listener's base URL ('' when not asked for). */
  metricsUrl: string;
  services: SinewServices;
  /** The environment made or found at start-up; only a process running the API bootstraps (null otherwise). */
  bootstrap: BootstrapResult | null;
  stop(): Promise<void>;
  /** Cuts the stop's grace period short (a second SIGTERM): the worker hands its running jobs back now. */
  endGracePeriod(): void;
}

/**
 * The background roles this process runs, in start order; they stop in reverse: the scheduler
 * first (no new jobs), then the worker (drains), then event delivery (sends what the drain recorded).
 */
function backgroundRoles(services: SinewServices, config: RuntimeConfig, roles: RoleSelection, apiUrl: string): BackgroundRole[] {
  const out: BackgroundRole[] = [];
  if (roles.worker) {
    out.push(
      new EventDispatcher({
        store: services.store,
        config: config.events,
        notifier: services.outbox,
        logger: services.logger,
        box: services.box,
        metrics: services.metrics,
      }),
    );
    out.push(
      new Worker({
        store: services.store,
        queue: services.queue,
        storage: services.storageRouter,
        lifecycle: services.lifecycle,
        planBuilder: new JobPlanBuilder(services.store, services.box, apiUrl, config.connectorUser, config.allowLoopback, (link) =>
          services.tokens.freshConfig(link),
        ),
        logger: services.logger,
        concurrency: config.workerConcurrency,
        leases: services.leases,
        leaseMs: config.workerLeaseMs,
        graceMs: config.workerGraceMs,
        soleProcess: services.store.dialect === 'sqlite',
        linkTokens: (key) => services.tokens.backendFor(key),
        configLeft: async (job, handed, left) => {
          await services.tokens.saveLeftTokens(
            { env_id: job.env_id, flow_id: job.flow_id, tenant: job.tenant, role: job.link_role, connector_id: job.link_connector },
            handed,
            left,
          );
        },
      }),
    );
  }
  if (roles.scheduler) {
    out.push(
      new Scheduler({
        store: services.store,
        jobs: services.jobs,
        box: services.box,
        logger: services.logger,
        changes: services.schedules.changes,
      }),
    );
    const pruner = new RetentionPruner({ store: services.store, storage: services.storageRouter, logger: services.logger });
    out.push(new RetentionRole(pruner, config.retentionIntervalMs, services.logger));
  }
  return out;
}

/**
 * Starts the roles `roles` selects: `sinew serve` (all of them, the embedded default), or one role
 * per process (`sinew api`, `sinew worker`, `sinew scheduler`) over a shared PostgreSQL store.
 */
export async function startSinew(config: RuntimeConfig, roles: RoleSelection = ALL_ROLES): Promise<RunningSinew> {
  const logger = pino({
    level: config.logLevel,
    redact: { paths: ['req.headers["x-api-key"]', 'req.headers.authorization', '*.config', '*.password', '*.secret'], censor: '********' },
  });
  // A taken port fails the start before the database, the secret key or a first key exist.
  if (roles.api) await assertPortFree(config.host, config.port);
  if (config.metricsPort !== undefined) await assertPortFree(config.host, config.metricsPort, 'SINEW_METRICS_PORT');
  // Embedded mode: one process owns a SQLite data dir; a second is refused before it touches it.
  const dataDirLock = config.databaseUrl ? undefined : await lockDataDir(config.dataDir);
  let services: SinewServices;
  try {
    // Clear configs that dead processes left behind: jobs (and their workers), probes, discovers, writes.
    const swept = sweepJobSecretsDirs() + sweepConnectorRunDirs();
    if (swept > 0) logger.info({ swept }, 'removed the temp folders of connector runs whose processes are gone');
    services = await createServices(config, logger);
  } catch (e) {
    dataDirLock?.release();
    throw e;
  }
  let server: FastifyInstance | undefined;
  let metricsServer: MetricsServer | undefined;
  const started: BackgroundRole[] = [];
  const close = async (): Promise<void> => {
    await services.installer.close();
    await services.queue.close();
    await services.storageRouter.close();
    await services.store.close();
    dataDirLock?.release();
  };
  try {
    // The environment (and a first key, printed once) is made where the API runs: a worker or a
    // scheduler starting first on an empty database must not create a key nobody sees.
    const bootstrap = roles.api ? await bootstrapEnvironment(services, config) : null;
    // Settings saved before their secrets were sealed are sealed now (they are readable either way).
    if (roles.api) await services.settings.sealClearSecrets();
    let url = '';
    if (roles.api) {
      server = await buildServer(services, { web: new WebBundles() });
      url = (
        await server.listen({ port: config.port, host: config.host }).catch((e: unknown) => {
          throw portError(config.host, config.port, 'PORT', e);
        })
      ).replace('[::1]', '127.0.0.1');
    }
    if (config.metricsPort !== undefined)
      metricsServer = await startMetricsServer(services, { port: config.metricsPort, host: config.host });
    for (const role of backgroundRoles(services, config, roles, config.apiUrl ?? (url || `http://${config.host}:${config.port}`))) {
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
        await close();
      },
      endGracePeriod: () => {
        for (const role of started) role.endGracePeriod?.();
      },
    };
  } catch (e) {
    await server?.close();
    await metricsServer?.close();
    for (const role of [...started].reverse()) await role.stop().catch(() => {});
    await close().catch(() => {});
    throw e;
  }
}

import fs from 'node:fs/promises';
import type { Logger } from 'pino';
import type { SinewServices } from '../api/sinew-services.js';
import { AuditLog } from '../audit/audit-log.js';
import { Authenticator } from '../auth/authenticator.js';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { ConnectorService } from '../connectors/connector-service.js';
import { ConnectorInstaller } from '../connectors/install/connector-installer.js';
import { SecretBox } from '../crypto/secret-box.js';
import { ApiKeyService } from '../environments/api-key-service.js';
import { EnvironmentService } from '../environments/environment-service.js';
import { SinewError } from '../errors/sinew-error.js';
import { EventService } from '../events/event-service.js';
import { OutboxNotifier } from '../events/outbox-notifier.js';
import { FlowService } from '../flows/flow-service.js';
import { HeldLeases } from '../jobs/held-leases.js';
import { JobLifecycle } from '../jobs/job-lifecycle.js';
import { JobService } from '../jobs/job-service.js';
import { logJobStatusChanges } from '../jobs/job-status-log.js';
import { CredentialChecker } from '../links/credential-checker.js';
import { DiscoverService } from '../links/discover-service.js';
import { LinkService } from '../links/link-service.js';
import { SinewMetrics } from '../metrics/sinew-metrics.js';
import { OAuthAppService } from '../oauth/oauth-app-service.js';
import { OAuthFlowService } from '../oauth/oauth-flow-service.js';
import { TokenRefresher } from '../oauth/token-refresher.js';
import { InProcessQueue } from '../queue/in-process-queue.js';
import type { JobQueue } from '../queue/job-queue.js';
import { ScheduleService } from '../schedules/schedule-service.js';
import { SettingsService } from '../settings/settings-service.js';
import { StorageRouter } from '../settings/storage-router.js';
import { openBlobStorage } from '../storage/open-blob-storage.js';
import { openStore } from '../store/open-store.js';
import { TenantService } from '../tenants/tenant-service.js';
import { RealtimeWriteService } from '../writes/realtime-write-service.js';
import { restrictDataDir } from './data-dir-permissions.js';
import { LinkReactions } from './link-reactions.js';
import { loadSecretKey } from './secret-key.js';

/** Opens the adapters the configuration names and wires the services over them. */
export async function createServices(config: RuntimeConfig, logger: Logger): Promise<SinewServices> {
  await fs.mkdir(config.dataDir, { recursive: true });
  await restrictDataDir(config.dataDir, logger);
  const box = new SecretBox(await loadSecretKey(config.dataDir, config.secretKey));
  // A transaction left idle longer than a lease (its process paused or stalled) is ended by
  // PostgreSQL, so its locks never outlast the lease rules that other workers apply to its jobs.
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    schema: config.databaseSchema,
    logger,
    idleInTransactionTimeoutMs: config.workerLeaseMs,
  });
  if (store.dialect === 'sqlite') {
    // The embedded default migrates itself: one process owns its file.
    await store.migrate();
  } else if (!(await store.isMigrated())) {
    await store.close();
    throw new SinewError('UNAVAILABLE', 'the PostgreSQL database is not migrated: run `sinew migrate` first');
  }
  let queue: JobQueue;
  try {
    queue = await openJobQueue(store.dialect, config, logger);
  } catch (e) {
    await store.close();
    throw e;
  }
  const storage = await openBlobStorage({ storageUrl: config.storageUrl, dataDir: config.dataDir, s3: config.s3 });
  const leases = new HeldLeases();
  const lifecycle = new JobLifecycle(store, leases);
  const outbox = new OutboxNotifier();
  // Every job status change committed an event: deliver it now rather than at the next poll.
  lifecycle.changes.on('job', () => outbox.notify());
  logJobStatusChanges(lifecycle, logger);
  const metrics = new SinewMetrics({ store, queue, lifecycle, logger, scrapeToken: config.metricsToken });
  const oauthApps = new OAuthAppService(store, box);
  const tokens = new TokenRefresher(store, box, oauthApps, outbox, config.allowLoopback);
  const links = new LinkService(store, box, outbox, config.allowLoopback, new CredentialChecker(config.connectorUser), (link) =>
    tokens.freshConfig(link),
  );
  const discover = new DiscoverService(store, box, logger, outbox, config.connectorUser, config.allowLoopback);
  const storageRouter = new StorageRouter(store, storage, box);
  const jobs = new JobService(store, queue, lifecycle, box, storageRouter);
  const schedules = new ScheduleService(store, box);
  links.onLinked(new LinkReactions(store, jobs, discover, schedules, logger).onLinked);
  const installer = new ConnectorInstaller(store, {
    dataDir: config.dataDir,
    pipFindLinks: config.pipFindLinks,
    connectorUser: config.connectorUser,
  });
  // Installs a restart interrupted end failed (in the background: one another process runs is waited for).
  installer.recoverInterrupted().catch((e: unknown) => logger.warn({ err: e }, 'marking interrupted connector installs failed'));
  return {
    logger,
    store,
    queue,
    storage,
    storageRouter,
    box,
    auth: new Authenticator(store, box),
    environments: new EnvironmentService(store, box),
    keys: new ApiKeyService(store),
    flows: new FlowService(store, box),
    connectors: new ConnectorService(store, config.connectorUser, installer),
    installer,
    links,
    discover,
    tenants: new TenantService(store, storageRouter, outbox),
    settings: new SettingsService(store, box, config.allowLoopback),
    jobs,
    lifecycle,
    leases,
    events: new EventService(store, outbox),
    outbox,
    schedules,
    writes: new RealtimeWriteService(
      store,
      box,
      logger,
      config.connectorUser,
      config.allowLoopback,
      metrics,
      (link) => tokens.freshConfig(link),
      (key) => tokens.backendFor(key),
    ),
    metrics,
    audit: new AuditLog(store),
    oauthApps,
    oauth: new OAuthFlowService(store, box, oauthApps, links, outbox, config.allowLoopback),
    tokens,
  };
}

/**
 * The queue goes where the store is: in this process beside SQLite (one process owns the file), on
 * PostgreSQL with pg-boss (loaded only then: embedded start-up does not pay for it).
 */
async function openJobQueue(dialect: 'sqlite' | 'postgres', config: RuntimeConfig, logger: Logger): Promise<JobQueue> {
  if (dialect === 'sqlite') return new InProcessQueue();
  const { PgBossQueue } = await import('../queue/pg-boss-queue.js');
  return PgBossQueue.open({
    url: config.databaseUrl!,
    ...(config.databaseSchema === undefined ? {} : { schema: config.databaseSchema }),
    logger,
  });
}

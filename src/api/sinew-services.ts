import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { ConnectorService } from '../connectors/connector-service.js';
import type { ConnectorInstaller } from '../connectors/install/connector-installer.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { ApiKeyService } from '../environments/api-key-service.js';
import type { EnvironmentService } from '../environments/environment-service.js';
import type { EventService } from '../events/event-service.js';
import type { OutboxNotifier } from '../events/outbox-notifier.js';
import type { FlowService } from '../flows/flow-service.js';
import type { HeldLeases } from '../jobs/held-leases.js';
import type { JobLifecycle } from '../jobs/job-lifecycle.js';
import type { JobService } from '../jobs/job-service.js';
import type { DiscoverService } from '../links/discover-service.js';
import type { LinkService } from '../links/link-service.js';
import type { SinewMetrics } from '../metrics/sinew-metrics.js';
import type { OAuthAppService } from '../oauth/oauth-app-service.js';
import type { OAuthFlowService } from '../oauth/oauth-flow-service.js';
import type { TokenRefresher } from '../oauth/token-refresher.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { ScheduleService } from '../schedules/schedule-service.js';
import type { SettingsService } from '../settings/settings-service.js';
import type { StorageRouter } from '../settings/storage-router.js';
import type { BlobStorage } from '../storage/blob-storage.js';
import type { Store } from '../store/store.js';
import type { TenantService } from '../tenants/tenant-service.js';
import type { RealtimeWriteService } from '../writes/realtime-write-service.js';

/** Everything the API routes and the roles (worker, scheduler) are wired with. */
export interface SinewServices {
  logger: Logger;
  store: Store;
  queue: JobQueue;
  storage: BlobStorage;
  /** Each environment's storage: its own bucket (custom storage setting) or `storage`. */
  storageRouter: StorageRouter;
  box: SecretBox;
  auth: Authenticator;
  environments: EnvironmentService;
  keys: ApiKeyService;
  flows: FlowService;
  connectors: ConnectorService;
  /** Builds installed connectors' environments; stopped before the store closes. */
  installer: ConnectorInstaller;
  links: LinkService;
  discover: DiscoverService;
  tenants: TenantService;
  settings: SettingsService;
  jobs: JobService;
  lifecycle: JobLifecycle;
  /** The job leases this process holds (its worker claims them; the lifecycle fences on them). */
  leases: HeldLeases;
  events: EventService;
  /** Wakes event delivery in this process when an event was committed. */
  outbox: OutboxNotifier;
  schedules: ScheduleService;
  /** Real-time writes (`POST …/connectors/{connector_id}/{stream}`), run in the API process. */
  writes: RealtimeWriteService;
  /** The process's Prometheus registry (jobs by status, phase durations, queue depth, deliveries). */
  metrics: SinewMetrics;
  /** Who changed what, when, from where (`GET /{env}/audit`), written by the API's audit hook. */
  audit: AuditLog;
  /** The environments' OAuth apps per connector (owner only; client secrets sealed). */
  oauthApps: OAuthAppService;
  /** OAuth linking: start an authorization, take its callback (issue #15). */
  oauth: OAuthFlowService;
  /** Refreshes a link's OAuth tokens before they are used, one refresh per link at a time. */
  tokens: TokenRefresher;
}

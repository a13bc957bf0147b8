import type { Logger } from 'pino';
import type { JobService } from '../jobs/job-service.js';
import type { DiscoverService } from '../links/discover-service.js';
import type { Link } from '../model/link.js';
import type { ScheduleService } from '../schedules/schedule-service.js';
import { effectiveJobSettings } from '../settings/environment-settings.js';
import type { Store } from '../store/store.js';

/**
 * What the job settings ask for when a tenant links a source or connector (seeds/000): an initial
 * full sync job (`trigger_job_on_link`), a discover (`discover_on_link`), the environment's default
 * sync schedule (`default_schedule_on_link`, for links made while it is on). Runs after the link is
 * committed; a reaction that fails is logged and does not undo the link.
 */
export class LinkReactions {
  constructor(
    private readonly store: Store,
    private readonly jobs: JobService,
    private readonly discover: DiscoverService,
    private readonly schedules: ScheduleService,
    private readonly logger: Logger,
  ) {}

  readonly onLinked = async (link: Link, event: 'LINK' | 'OVERWRITE'): Promise<void> => {
    if (link.role === 'target') return;
    const flow = await this.store.flows.get(link.env_id, link.flow_id);
    const env = await this.store.environments.get(link.env_id);
    if (!flow || !env) return;
    const settings = effectiveJobSettings(env.settings, flow.job_settings);
    const log = this.logger.child({ env_id: link.env_id, flow_id: link.flow_id, tenant: link.tenant, connector: link.connector_id });
    // A job discovers by itself when the link has no catalog, so a separate discover is only
    // started when no job is about to run.
    if (settings.discover_on_link && !(settings.trigger_job_on_link && event === 'LINK')) {
      await this.discover.start(link).catch((e: Error) => log.warn({ err: e.message }, 'discover on link failed to start'));
    }
    if (settings.default_schedule_on_link && settings.default_schedule && event === 'LINK') {
      const schedule = settings.default_schedule;
      await this.store
        .transaction((tx) => this.schedules.applyDefault(tx, link, schedule))
        .catch((e: Error) => log.warn({ err: e.message }, 'the default schedule could not be applied to a new link'));
    }
    if (settings.trigger_job_on_link && event === 'LINK') {
      await this.jobs
        .create({
          envId: link.env_id,
          flowId: link.flow_id,
          tenant: link.tenant,
          version: link.role === 'connector' ? 'v2' : 'v1',
          request:
            link.role === 'connector'
              ? { connector_id: link.connector_id, job_type: 'read', reset_source_state: true }
              : { tap: link.connector_id, reset_source_state: true },
          startedBy: 'link',
        })
        .catch((e: Error) => log.warn({ err: e.message }, 'the job triggered by a new link could not be created'));
    }
  };
}

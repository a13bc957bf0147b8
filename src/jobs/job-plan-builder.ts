import { describeTapCapabilities } from '../connectors/capability-note.js';
import { connectorEnvironment } from '../connectors/connector-environment.js';
import { acceptsStateOf, catalogFlagOf, connectorCommand, resolveConnector } from '../connectors/connector-resolver.js';
import { pathSetter, runConfig } from '../connectors/file-confinement.js';
import { tokenFieldsOf } from '../connectors/sdk/access-token.js';
import { openJson } from '../crypto/sealed-json.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { SinewError } from '../errors/sinew-error.js';
import type { FieldMap } from '../model/field-map.js';
import type { Flow } from '../model/flow.js';
import { API_SOURCE, isWriteJob, type Job } from '../model/job.js';
import { type ConfigSetter, type Link, type LinkConfigOpener, linkPathSetter } from '../model/link.js';
import type { ConnectorUser } from '../runtime/connector-user.js';
import { effectiveJobSettings, environmentAddressPolicy, environmentSettings } from '../settings/environment-settings.js';
import type { Store } from '../store/store.js';
import type { JobPlan, PlannedConnector } from './job-plan.js';

interface Overrides {
  override_source_config: Record<string, unknown> | null;
  override_target_config: Record<string, unknown> | null;
}

/** Whose a config is, for file paths (file-confinement.ts), and where a tenant's are confined. */
interface PathOwner {
  setBy: ConfigSetter;
  root: string | null;
}

/**
 * Who may have set an override: on a flow that lets its tenants send it, a tenant may have (a job
 * or a schedule does not record who sent it), so its paths are confined like a tenant's.
 */
function overrideSetter(flow: Flow, field: keyof Overrides): ConfigSetter {
  return flow.tenant_overrides?.includes(field) ? 'tenant' : 'owner';
}

/**
 * Turns a queued job into a runnable plan: which connector reads, which writes, with which config
 * (decrypted here, in the worker, and nowhere else), state and catalog.
 */
export class JobPlanBuilder {
  constructor(
    private readonly store: Store,
    private readonly box: SecretBox,
    private readonly apiUrl: string,
    private readonly connectorUser: ConnectorUser | null = null,
    /** The operator's loopback flag (RuntimeConfig.allowLoopback), for the plan's address policy. */
    private readonly allowLoopback = false,
    /** Refreshes OAuth tokens about to expire before the job gets them; without it, configs are opened as stored. */
    private readonly openLinkConfig?: LinkConfigOpener,
  ) {}

  async build(job: Job, workspaceDir: string): Promise<JobPlan> {
    const flow = await this.store.flows.get(job.env_id, job.flow_id);
    if (!flow) throw new SinewError('NOT_FOUND', `flow ${job.flow_id} no longer exists`);
    const overrides: Overrides = job.sealed_overrides
      ? openJson<Overrides>(this.box, job.sealed_overrides)
      : { override_source_config: null, override_target_config: null };
    const link = await this.store.links.get({
      env_id: job.env_id,
      flow_id: job.flow_id,
      tenant: job.tenant,
      role: job.link_role,
      connector_id: job.link_connector,
    });
    const isWrite = isWriteJob(job);
    if (!link && !(isWrite && job.link_role === 'source')) {
      throw new SinewError('NOT_FOUND', `the tenant's ${job.link_role} ${job.link_connector} is no longer linked`);
    }
    const linkConfig = !link ? {} : this.openLinkConfig ? await this.openLinkConfig(link) : openJson(this.box, link.config_encrypted);
    const env = await this.store.environments.get(job.env_id);
    const settings = effectiveJobSettings(env?.settings ?? {}, flow.job_settings);
    const root = environmentSettings(env?.settings ?? {}).files.root;
    const ofLink = (override: keyof Overrides): PathOwner => ({
      setBy: pathSetter(link ? linkPathSetter(link) : 'owner', overrides[override], overrideSetter(flow, override)),
      root,
    });

    // Who reads: the API source for write jobs, otherwise the linked source/connector.
    const source = isWrite
      ? await this.connector(job, API_SOURCE, 'tap', {}, overrides.override_source_config, false, ofLink('override_source_config'))
      : await this.connector(
          job,
          link!.connector_id,
          'tap',
          linkConfig,
          overrides.override_source_config,
          link!.catalog === null || settings.force_discover,
          ofLink('override_source_config'),
        );
    if (!isWrite) {
      if (job.override_start_date) source.config.start_date = job.override_start_date;
      if (job.override_end_date) source.config.end_date = job.override_end_date;
    }

    // Who writes: the tenant's linked target/connector for write jobs, otherwise the flow's target.
    let target: PlannedConnector | null = null;
    if (isWrite && job.link_role !== 'source') {
      target = await this.connector(
        job,
        link!.connector_id,
        'target',
        linkConfig,
        overrides.override_target_config,
        false,
        ofLink('override_target_config'),
      );
      // An override of the token is the owner's own: only the link's token is refreshed.
      const tokens = tokenFieldsOf(await resolveConnector(this.store, job.env_id, link!.connector_id));
      if (tokens && overrides.override_target_config?.[tokens.access_token] === undefined) target.link_tokens = tokens;
    } else if (flow.target) {
      const flowTargetConfig = flow.target.config_sealed ? openJson(this.box, flow.target.config_sealed) : flow.target.config;
      // The flow's target is the owner's, unless a tenant may override it.
      const setBy = pathSetter('owner', overrides.override_target_config, overrideSetter(flow, 'override_target_config'));
      target = await this.connector(job, flow.target.connector, 'target', flowTargetConfig, overrides.override_target_config, false, {
        setBy,
        root,
      });
    }

    // State is read now, when the job starts: a job queued behind another runs from that one's bookmarks.
    const inputState = this.inputState(job, link ?? null, settings.force_full_sync);
    const syncType = isWrite || Object.keys(inputState ?? {}).length === 0 ? 'full_sync' : 'incremental_sync';
    const started: Job = { ...job, sync_type: syncType };
    return {
      job: started,
      workspaceDir,
      source,
      target,
      inputState,
      linkStateAtStart: isWrite ? null : (link?.state ?? null),
      catalog: isWrite ? null : (link?.catalog ?? null),
      // The first map that says something: an empty one selects everything, so it defers to the next.
      fieldMap: firstNonEmpty(job.override_field_map, link?.field_map, flow.field_map),
      selectedTables: job.override_selected_tables,
      streaming: job.streaming_job,
      env: connectorEnvironment(started, this.apiUrl),
      settings,
      addressPolicy: environmentAddressPolicy(env?.settings ?? {}, this.allowLoopback, 'connectors'),
      etl: flow.etl ?? null,
      deadline: Date.now() + settings.job_timeout_seconds * 1000,
      ...(this.connectorUser ? { connectorUser: this.connectorUser } : {}),
    };
  }

  private inputState(job: Job, link: Link | null, forceFullSync: boolean): Record<string, unknown> | null {
    // A write job's records were stored in its root's state.json when it was created.
    if (isWriteJob(job)) return Object.keys(job.state).length > 0 ? job.state : null;
    if (job.reset_source_state || forceFullSync) return {};
    return link?.state ?? {};
  }

  private async connector(
    job: Job,
    id: string,
    role: 'tap' | 'target',
    config: Record<string, unknown>,
    override: Record<string, unknown> | null,
    discover: boolean,
    paths: PathOwner,
  ): Promise<PlannedConnector> {
    const def = await resolveConnector(this.store, job.env_id, id);
    // A built-in file connector's path is confined when it is a tenant's (file-confinement.ts).
    const merged = await runConfig(id, { ...config, ...(override ?? {}) }, { ...paths, tenant: job.tenant });
    return {
      connector_id: id,
      command: connectorCommand(def, role),
      catalogFlag: catalogFlagOf(def),
      acceptsState: acceptsStateOf(def),
      config: merged,
      config_schema: def.config_schema ?? null,
      discover: discover && role === 'tap' && def.capabilities.discover,
      builtin: def.runtime.runtime === 'builtin',
      write_results: role === 'target' && def.capabilities.write_results === true,
      native_external_id: def.capabilities.native_external_id,
      // A registered tap's failure says which flags it got and how they were chosen.
      ...(role === 'tap' && def.runtime.runtime === 'singer'
        ? { capabilityNote: describeTapCapabilities(def, discover && def.capabilities.discover) }
        : {}),
    };
  }
}

function firstNonEmpty(...maps: Array<FieldMap | null | undefined>): FieldMap | null {
  return maps.find((m): m is FieldMap => !!m && Object.keys(m).length > 0) ?? null;
}

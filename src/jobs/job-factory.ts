import { redactConfig } from '../crypto/config-redaction.js';
import { sealJson } from '../crypto/sealed-json.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { newJobId, newTaskId, shortId } from '../ids/short-id.js';
import type { Flow } from '../model/flow.js';
import { API_SOURCE, type Job, type JobType, type SyncType } from '../model/job.js';
import type { JobRequest } from '../model/job-request.js';
import type { Link } from '../model/link.js';
import { jobRoot } from '../storage/job-root.js';

export interface JobParties {
  role: 'source' | 'target' | 'connector';
  linkConnector: string;
  tap: string;
  target: string | null;
  connectorId: string | null;
  jobType: JobType | null;
  link: Link | null;
  installUris: { discover: string | null; target: string | null };
}

export interface JobIdentity {
  jobId: string;
  at: Date;
}

export const newJobIdentity = (): JobIdentity => ({ jobId: newJobId(), at: new Date() });

/** Builds the initial job object (status JOB_CREATED) from a request and what it runs between. */
export function newJob(args: {
  envId: string;
  flow: Flow;
  tenant: string;
  request: JobRequest;
  parties: JobParties;
  startedBy: string;
  scheduled: boolean;
  box: SecretBox;
  /** The job settings' force_full_sync: stored state is ignored. */
  forceFullSync: boolean;
  /** Id and creation time chosen beforehand (a write job's records were stored under its root first). */
  identity?: JobIdentity;
  /** The request's state (a write job's records) is in the job root's state.json: the job keeps none. */
  inputStaged?: boolean;
}): Job {
  const { envId, flow, tenant, request, parties, box } = args;
  const { jobId, at: now } = args.identity ?? newJobIdentity();
  const usesState =
    parties.tap !== API_SOURCE &&
    !request.reset_source_state &&
    !args.forceFullSync &&
    parties.link?.state != null &&
    Object.keys(parties.link.state).length > 0;
  const syncType: SyncType = usesState ? 'incremental_sync' : 'full_sync';
  const hasOverrides = request.override_source_config || request.override_target_config;
  return {
    job_id: jobId,
    env_id: envId,
    flow_id: flow.flow_id,
    job_name: request.job_name ?? `${parties.tap}_job:${shortId(9)}`,
    tenant,
    started_by: args.startedBy,
    s3_root: jobRoot(tenant, flow.flow_id, jobId, now),
    start_time: now.toISOString(),
    state: args.inputStaged ? {} : (request.state ?? {}),
    tap: parties.tap,
    target: parties.target,
    connector_id: parties.connectorId,
    job_type: parties.jobType,
    status: 'JOB_CREATED',
    scheduled_job: args.scheduled,
    sync_type: syncType,
    streaming_job: request.streaming_job ?? false,
    queue_if_active_job: request.queue_if_active_job ?? false,
    reset_source_state: request.reset_source_state ?? false,
    override_start_date: request.override_start_date ?? null,
    override_end_date: request.override_end_date ?? null,
    override_selected_tables: request.override_selected_tables ?? null,
    override_field_map: request.override_field_map ?? null,
    override_source_config: request.override_source_config
      ? (redactConfig(request.override_source_config) as Record<string, unknown>)
      : null,
    override_target_config: request.override_target_config
      ? (redactConfig(request.override_target_config) as Record<string, unknown>)
      : null,
    override_lifecycle_webhook: request.override_lifecycle_webhook ?? null,
    task_id: newTaskId(),
    task_type: 'STANDARD',
    task_definition: { id: 'sinew-job-process:1', memory: 0, cpu: 0 },
    discover_install_uri: parties.installUris.discover,
    target_install_uri: parties.installUris.target,
    metrics: { recordCount: {} },
    data_sizes: { sync_output: 0, etl_output: 0, snapshots: 0, total: 0 },
    last_updated: now.toISOString(),
    error: null,
    message: null,
    status_timestamp: { JOB_CREATED: now.getTime() },
    resources_usage: { memoryUsage: 0 },
    link_role: parties.role,
    link_connector: parties.linkConnector,
    sealed_overrides: hasOverrides
      ? sealJson(box, {
          override_source_config: request.override_source_config ?? null,
          override_target_config: request.override_target_config ?? null,
        })
      : null,
  };
}

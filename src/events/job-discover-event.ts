import { newEventId } from '../ids/short-id.js';
import type { OutboxEvent } from '../model/event.js';
import type { Job } from '../model/job.js';
import { linkKeyString } from '../model/link.js';

/**
 * A job that runs a discover (DISCOVER_STARTED/SUCCESS/FAILED) reports it as a discover event too
 * (seeds/003), ordered with the link's other discovers.
 */
export function jobDiscoverEvent(job: Job, now: Date): OutboxEvent {
  const key = { env_id: job.env_id, flow_id: job.flow_id, tenant: job.tenant, role: job.link_role, connector_id: job.link_connector };
  return {
    event_id: newEventId(),
    env_id: job.env_id,
    kind: 'discover',
    ordering_key: `discover:${linkKeyString(key)}`,
    payload: {
      connector: job.link_connector,
      env_id: job.env_id,
      flow_id: job.flow_id,
      status: job.status,
      tenant: job.tenant,
      timestamp: now.toISOString(),
    },
    created_at: now.toISOString(),
  };
}

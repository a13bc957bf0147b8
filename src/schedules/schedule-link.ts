import { invalid, notFound } from '../errors/sinew-error.js';
import type { LinkKey, LinkRole } from '../model/link.js';
import type { StoreOps } from '../store/store.js';

/** How a schedule request names its link: v1 `tap` (or `target` on a target flow), v2 `connector_id`. */
export interface ScheduleLinkSelector {
  tap?: string;
  target?: string;
  connector_id?: string;
}

/**
 * The link a schedule request is about: the named one, or the tenant's only link in the flow.
 * A missing flow or link is a 404; the wrong API version for the flow a 400 (as for jobs).
 */
export async function resolveScheduleLink(
  store: StoreOps,
  envId: string,
  flowId: string,
  tenant: string,
  selector: ScheduleLinkSelector,
  version: 'v1' | 'v2',
): Promise<LinkKey> {
  const flow = await store.flows.get(envId, flowId);
  if (!flow) throw notFound('flow', { flow_id: flowId });
  if (version === 'v1' && flow.type === 'v2')
    throw invalid(`flow ${flowId} is a v2 flow: use /v2/${envId}/${flowId}/${tenant}/jobs/schedule`);
  if (version === 'v2' && flow.type !== 'v2')
    throw invalid(`flow ${flowId} is a ${flow.type} flow: use /${envId}/${flowId}/${tenant}/jobs/schedule`);
  const role: LinkRole = flow.type === 'v2' ? 'connector' : flow.type === 'v1-source' ? 'source' : 'target';
  const wanted = role === 'connector' ? selector.connector_id : role === 'source' ? selector.tap : selector.target;
  const what = role === 'connector' ? 'connector' : role;
  const links = await store.links.list({ env_id: envId, flow_id: flowId, tenant, role });
  let connectorId: string;
  if (wanted !== undefined) {
    if (!links.some((l) => l.connector_id === wanted)) throw notFound(`linked ${what} ${wanted}`, { tenant, flow_id: flowId });
    connectorId = wanted;
  } else if (links.length === 1) {
    connectorId = links[0]!.connector_id;
  } else if (links.length === 0) {
    throw notFound(`linked ${what}`, { tenant, flow_id: flowId, hint: `link a ${what} first` });
  } else {
    const field = role === 'connector' ? 'connector_id' : role === 'source' ? 'tap' : 'target';
    throw invalid(`tenant ${tenant} has several linked ${what}s in this flow: name one with ${field}`, {
      linked: links.map((l) => l.connector_id),
    });
  }
  return { env_id: envId, flow_id: flowId, tenant, role, connector_id: connectorId };
}

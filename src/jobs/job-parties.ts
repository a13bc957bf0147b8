import { resolveConnector } from '../connectors/connector-resolver.js';
import { invalid, notFound, SinewError } from '../errors/sinew-error.js';
import type { Flow } from '../model/flow.js';
import { API_SOURCE } from '../model/job.js';
import type { JobRequest } from '../model/job-request.js';
import type { LinkRole } from '../model/link.js';
import type { StoreOps } from '../store/store.js';
import type { JobParties } from './job-factory.js';

async function installUri(store: StoreOps, envId: string, id: string | null): Promise<string | null> {
  if (!id || id === API_SOURCE) return null;
  const def = await resolveConnector(store, envId, id).catch(() => null);
  if (!def) return null;
  return def.runtime.runtime === 'singer' ? (def.runtime.install_uri ?? def.runtime.command.join(' ')) : `builtin:${def.id}`;
}

async function pickLinked(
  store: StoreOps,
  envId: string,
  flow: Flow,
  tenant: string,
  role: LinkRole,
  wanted: string | undefined,
  what: string,
): Promise<string> {
  const links = await store.links.list({ env_id: envId, flow_id: flow.flow_id, tenant, role });
  if (wanted) {
    if (!links.some((l) => l.connector_id === wanted)) throw notFound(`linked ${what} ${wanted}`, { tenant, flow_id: flow.flow_id });
    return wanted;
  }
  const [only, ...others] = links;
  if (!only) throw notFound(`linked ${what}`, { tenant, flow_id: flow.flow_id, hint: `link a ${what} first` });
  if (others.length > 0)
    throw invalid(`tenant ${tenant} has several linked ${what}s in this flow: name one`, { linked: links.map((l) => l.connector_id) });
  return only.connector_id;
}

/**
 * Whether a job request writes records from the request (the API source): the rule of
 * resolveJobParties below, for a caller that must know before the job exists (its records are
 * staged first). Combinations resolveJobParties refuses answer false.
 */
export function writesFromRequest(flowType: Flow['type'], req: JobRequest, version: 'v1' | 'v2'): boolean {
  if (version === 'v2') return flowType === 'v2' && req.job_type === 'write';
  if (flowType === 'v1-source') return req.tap === API_SOURCE;
  return flowType === 'v1-target' && (req.tap === undefined || req.tap === API_SOURCE);
}

/**
 * Who a job reads from and writes to, per flow type (blueprint §2-§4):
 * v1 source flow: the tenant's linked source (or `api`) → the flow's target;
 * v1 target flow: `api` (records in `state`) → the tenant's linked target;
 * v2: read = the linked connector → the flow's target; write = `api` → the linked connector.
 */
export async function resolveJobParties(
  store: StoreOps,
  envId: string,
  flow: Flow,
  tenant: string,
  req: JobRequest,
  version: 'v1' | 'v2',
): Promise<JobParties> {
  const flowTarget = flow.target?.connector ?? null;
  let parties: Omit<JobParties, 'link' | 'installUris'>;
  if (version === 'v1') {
    if (flow.type === 'v2') throw invalid(`flow ${flow.flow_id} is a v2 flow: use POST /v2/${envId}/${flow.flow_id}/${tenant}/jobs`);
    if (flow.type === 'v1-source') {
      if (req.tap === API_SOURCE) {
        if (!flowTarget) throw invalid(`flow ${flow.flow_id} has no target to write to`);
        parties = { role: 'source', linkConnector: API_SOURCE, tap: API_SOURCE, target: flowTarget, connectorId: null, jobType: 'write' };
      } else {
        const tap = await pickLinked(store, envId, flow, tenant, 'source', req.tap, 'source');
        parties = { role: 'source', linkConnector: tap, tap, target: flowTarget, connectorId: null, jobType: null };
      }
    } else {
      if (req.tap !== undefined && req.tap !== API_SOURCE)
        throw invalid('a v1 target flow writes from the API source: use tap "api" with the records in state');
      const target = await pickLinked(store, envId, flow, tenant, 'target', req.target, 'target');
      parties = { role: 'target', linkConnector: target, tap: API_SOURCE, target, connectorId: null, jobType: 'write' };
    }
  } else {
    if (flow.type !== 'v2') throw invalid(`flow ${flow.flow_id} is a ${flow.type} flow: use POST /${envId}/${flow.flow_id}/${tenant}/jobs`);
    const connector = await pickLinked(store, envId, flow, tenant, 'connector', req.connector_id, 'connector');
    const jobType = req.job_type ?? 'read';
    parties =
      jobType === 'write'
        ? { role: 'connector', linkConnector: connector, tap: API_SOURCE, target: connector, connectorId: connector, jobType }
        : { role: 'connector', linkConnector: connector, tap: connector, target: flowTarget, connectorId: connector, jobType };
  }
  if (parties.tap === API_SOURCE && (!req.state || Object.keys(req.state).length === 0)) {
    throw invalid('a write job needs its records in state: { "<Stream>": [ { … } ] }');
  }
  const link =
    parties.linkConnector === API_SOURCE
      ? null
      : ((await store.links.get({
          env_id: envId,
          flow_id: flow.flow_id,
          tenant,
          role: parties.role,
          connector_id: parties.linkConnector,
        })) ?? null);
  if (parties.linkConnector !== API_SOURCE && !link) throw new SinewError('NOT_FOUND', 'link not found');
  return {
    ...parties,
    link,
    installUris: { discover: await installUri(store, envId, parties.tap), target: await installUri(store, envId, parties.target) },
  };
}

import { createHash } from 'node:crypto';
import { resolveConnector } from '../connectors/connector-resolver.js';
import { openJson } from '../crypto/sealed-json.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { notFound, SinewError } from '../errors/sinew-error.js';
import type { ConnectorDefinition } from '../model/connector-definition.js';
import type { LinkConfigOpener, LinkKey, LinkRole } from '../model/link.js';
import type { AddressPolicy } from '../outbound/address-policy.js';
import { environmentAddressPolicy } from '../settings/environment-settings.js';
import { stringifyJson } from '../singer/lossless-json.js';
import type { StoreOps } from '../store/store.js';

/** Where a real-time write goes: one tenant's target in one flow, with its config in clear. */
export interface RealtimeTarget {
  envId: string;
  flowId: string;
  tenant: string;
  connectorId: string;
  definition: ConnectorDefinition;
  config: Record<string, unknown>;
  /** The flow's own target (a v1 source flow), with the owner's credentials — not the tenant's. */
  ownersTarget: boolean;
  /** The tenant's link written to; null for the flow's own target. */
  link: LinkKey | null;
  /** What its writer may connect to: the environment's outbound address policy. */
  addressPolicy: AddressPolicy;
  /** Changes with the connector, its config or the policy: warm writers are kept by it. */
  cacheKey: string;
}

/**
 * The target of `POST …/connectors/{connector_id}/{stream}` by flow type: a v2 flow's linked
 * connector, a v1 target flow's linked target, or a v1 source flow's own target (the owner's).
 */
export async function resolveRealtimeTarget(
  store: StoreOps,
  box: SecretBox,
  envId: string,
  flowId: string,
  tenant: string,
  connectorId: string,
  /** The operator's loopback flag (RuntimeConfig.allowLoopback). */
  allowLoopback: boolean,
  /** Refreshes OAuth tokens about to expire before the write uses them. */
  openLinkConfig?: LinkConfigOpener,
): Promise<RealtimeTarget> {
  const flow = await store.flows.get(envId, flowId);
  if (!flow) throw notFound('flow', { flow_id: flowId });
  let config: Record<string, unknown>;
  let key: LinkKey | null = null;
  if (flow.type === 'v1-source') {
    if (flow.target?.connector !== connectorId) {
      throw new SinewError(
        'CONNECTOR_NOT_SUPPORTED',
        `flow ${flowId} writes to ${flow.target?.connector ?? 'no target'}, not ${connectorId}`,
        { connector_id: connectorId },
      );
    }
    config = flow.target.config_sealed ? openJson(box, flow.target.config_sealed) : flow.target.config;
  } else {
    const role: LinkRole = flow.type === 'v2' ? 'connector' : 'target';
    key = { env_id: envId, flow_id: flowId, tenant, role, connector_id: connectorId };
    const link = await store.links.get(key);
    if (!link)
      throw notFound(`linked ${role} ${connectorId}`, { tenant, flow_id: flowId, hint: `the tenant must link ${connectorId} first` });
    config = openLinkConfig ? await openLinkConfig(link) : openJson(box, link.config_encrypted);
  }
  const definition = await resolveConnector(store, envId, connectorId);
  if (definition.kind === 'source') {
    throw new SinewError('CONNECTOR_NOT_SUPPORTED', `connector ${connectorId} cannot be written to`, { connector_id: connectorId });
  }
  if (!definition.capabilities.write_results) {
    throw new SinewError(
      'CONNECTOR_NOT_SUPPORTED',
      `real-time writes need a target that reports a result per record (capabilities.write_results); ${connectorId} does not`,
      {
        connector_id: connectorId,
      },
    );
  }
  const env = await store.environments.get(envId);
  const addressPolicy = environmentAddressPolicy(env?.settings ?? {}, allowLoopback, 'connectors');
  const cacheKey = createHash('sha256')
    .update(stringifyJson([envId, flowId, tenant, connectorId, definition.runtime, config, addressPolicy]))
    .digest('hex');
  return {
    envId,
    flowId,
    tenant,
    connectorId,
    definition,
    config,
    ownersTarget: flow.type === 'v1-source',
    link: key,
    addressPolicy,
    cacheKey,
  };
}

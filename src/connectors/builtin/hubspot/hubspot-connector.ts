import type { BuiltinConnector } from '../../sdk/connector.js';
import { hubspotConfigSchema } from './hubspot-config.js';
import { hubspotWriter } from './hubspot-target.js';
import { batchWriterTarget } from '../write/write-loop.js';
import { urlHosts } from '../url-hosts.js';

/** `hubspot`: writes CRM v3 objects (contacts, companies) through Sinew's record-id map. */
export const hubspotConnector: BuiltinConnector = {
  definition: {
    id: 'hubspot',
    kind: 'target',
    label: 'HubSpot CRM',
    config_schema: hubspotConfigSchema,
    capabilities: { discover: false, incremental: false, write: true, native_external_id: false, write_results: true },
  },
  target: batchWriterTarget(hubspotWriter),
  writer: hubspotWriter,
  outboundHosts: (config) => urlHosts(config, ['base_url']),
};

import type { BuiltinConnector } from '../../sdk/connector.js';
import { hubspotConfigSchema } from './hubspot-config.js';
import { hubspotTarget } from './hubspot-target.js';

/** `hubspot`: writes CRM v3 objects (contacts, companies) through Sinew's record-id map. */
export const hubspotConnector: BuiltinConnector = {
  definition: {
    id: 'hubspot',
    kind: 'target',
    label: 'HubSpot CRM',
    config_schema: hubspotConfigSchema,
    capabilities: { discover: false, incremental: false, write: true, native_external_id: false },
  },
  target: hubspotTarget,
};

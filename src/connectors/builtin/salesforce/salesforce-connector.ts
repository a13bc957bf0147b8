import type { BuiltinConnector } from '../../sdk/connector.js';
import { salesforceConfigSchema } from './salesforce-config.js';
import { salesforceTarget } from './salesforce-target.js';

/** `salesforce`: sObject upserts by an External ID field (native external ids). */
export const salesforceConnector: BuiltinConnector = {
  definition: {
    id: 'salesforce',
    kind: 'target',
    label: 'Salesforce',
    config_schema: salesforceConfigSchema,
    capabilities: { discover: false, incremental: false, write: true, native_external_id: true },
  },
  target: salesforceTarget,
};

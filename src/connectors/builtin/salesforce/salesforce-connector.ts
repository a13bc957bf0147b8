import type { BuiltinConnector } from '../../sdk/connector.js';
import { salesforceConfigSchema } from './salesforce-config.js';
import { salesforceWriter } from './salesforce-target.js';
import { batchWriterTarget } from '../write/write-loop.js';
import { urlHosts } from '../url-hosts.js';

/** `salesforce`: sObject upserts by an External ID field (native external ids). */
export const salesforceConnector: BuiltinConnector = {
  definition: {
    id: 'salesforce',
    kind: 'target',
    label: 'Salesforce',
    config_schema: salesforceConfigSchema,
    capabilities: { discover: false, incremental: false, write: true, native_external_id: true, write_results: true },
  },
  target: batchWriterTarget(salesforceWriter),
  writer: salesforceWriter,
  outboundHosts: (config) => urlHosts(config, ['instance_url']),
};

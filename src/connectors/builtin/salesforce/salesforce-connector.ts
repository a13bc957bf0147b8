import type { BuiltinConnector } from '../../sdk/connector.js';
import { urlHosts } from '../url-hosts.js';
import { bearerCheck } from '../write/bearer-check.js';
import { batchWriterTarget } from '../write/write-loop.js';
import { readSalesforceConfig, salesforceConfigSchema } from './salesforce-config.js';
import { salesforceWriter } from './salesforce-target.js';

/** `salesforce`: sObject upserts by an External ID field (native external ids). */
export const salesforceConnector: BuiltinConnector = {
  definition: {
    id: 'salesforce',
    kind: 'target',
    label: 'Salesforce',
    config_schema: salesforceConfigSchema,
    capabilities: { discover: false, incremental: false, write: true, native_external_id: true, write_results: true },
    // The token response names the org's instance; Salesforce does not say when a token expires.
    auth: {
      type: 'oauth2',
      authorization_url: 'https://login.salesforce.com/services/oauth2/authorize',
      token_url: 'https://login.salesforce.com/services/oauth2/token',
      scopes: ['api', 'refresh_token'],
      pkce: true,
      authorize_params: {},
      tokens: { access_token: 'access_token', refresh_token: 'refresh_token', extra: { instance_url: 'instance_url' } },
    },
  },
  target: batchWriterTarget(salesforceWriter),
  writer: salesforceWriter,
  outboundHosts: (config) => urlHosts(config, ['instance_url']),
  // The org's limits: any API-enabled session may read them.
  check: (config, policy) => {
    const c = readSalesforceConfig(config);
    return bearerCheck('salesforce', 'Salesforce', `${c.instanceUrl}/services/data/${c.apiVersion}/limits`, c.accessToken, policy);
  },
};

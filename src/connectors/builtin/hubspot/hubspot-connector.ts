import type { BuiltinConnector } from '../../sdk/connector.js';
import { urlHosts } from '../url-hosts.js';
import { bearerCheck } from '../write/bearer-check.js';
import { batchWriterTarget } from '../write/write-loop.js';
import { hubspotConfigSchema, readHubspotConfig } from './hubspot-config.js';
import { hubspotWriter } from './hubspot-target.js';

/** `hubspot`: writes CRM v3 objects (contacts, companies) through Sinew's record-id map. */
export const hubspotConnector: BuiltinConnector = {
  definition: {
    id: 'hubspot',
    kind: 'target',
    label: 'HubSpot CRM',
    config_schema: hubspotConfigSchema,
    capabilities: { discover: false, incremental: false, write: true, native_external_id: false, write_results: true },
    // HubSpot's public-app OAuth; an environment's OAuth app may point elsewhere (tests, proxies).
    auth: {
      type: 'oauth2',
      authorization_url: 'https://app.hubspot.com/oauth/authorize',
      token_url: 'https://api.hubapi.com/oauth/v1/token',
      scopes: ['crm.objects.contacts.write', 'crm.objects.companies.write'],
      pkce: true,
      authorize_params: {},
      tokens: { access_token: 'access_token', refresh_token: 'refresh_token', expires_at: 'expires_at' },
    },
  },
  target: batchWriterTarget(hubspotWriter),
  writer: hubspotWriter,
  outboundHosts: (config) => urlHosts(config, ['base_url']),
  // Reading one contact needs no more than the scopes the connector asks for.
  check: (config, policy) => {
    const c = readHubspotConfig(config);
    return bearerCheck('hubspot', 'HubSpot', `${c.baseUrl}/crm/v3/objects/contacts?limit=1`, c.accessToken, policy);
  },
};

import { invalid } from '../../../errors/sinew-error.js';
import { optionalString, positiveInteger, readRetryConfig, requiredString, retryConfigProperties, stringMap } from '../write/config-reading.js';

const ID = 'salesforce';
/** Records per sObject Collections call (Salesforce's limit). */
export const SALESFORCE_COLLECTION_LIMIT = 200;

export const salesforceConfigSchema = {
  type: 'object',
  required: ['instance_url', 'access_token'],
  properties: {
    instance_url: { type: 'string', minLength: 1, description: 'e.g. https://mydomain.my.salesforce.com' },
    access_token: { type: 'string', minLength: 1, writeOnly: true },
    api_version: { type: 'string', default: 'v59.0', pattern: '^v\\d+\\.\\d$' },
    external_id_field: {
      type: 'object',
      additionalProperties: { type: 'string' },
      description: 'sObject → its External ID field, e.g. { "Contact": "External_Id__c" }.',
    },
    objects: { type: 'object', additionalProperties: { type: 'string' }, description: 'Stream name → sObject; default: the stream name.' },
    batch_size: { type: 'integer', minimum: 1, maximum: SALESFORCE_COLLECTION_LIMIT, default: SALESFORCE_COLLECTION_LIMIT },
    concurrency: { type: 'integer', minimum: 1, maximum: 16, default: 2 },
    ...retryConfigProperties,
  },
} as const;

export interface SalesforceConfig {
  instanceUrl: string;
  accessToken: string;
  apiVersion: string;
  externalIdFields: Record<string, string>;
  objects: Record<string, string>;
  batchSize: number;
  concurrency: number;
  retry: ReturnType<typeof readRetryConfig>;
}

export function readSalesforceConfig(config: Record<string, unknown>): SalesforceConfig {
  const instanceUrl = requiredString(config, 'instance_url', ID).replace(/\/+$/, '');
  if (!/^https?:\/\//.test(instanceUrl)) throw invalid(`${ID}: config.instance_url must be an http(s) URL`, { field: 'instance_url' });
  const apiVersion = optionalString(config, 'api_version', 'v59.0', ID);
  if (!/^v\d+\.\d$/.test(apiVersion)) throw invalid(`${ID}: config.api_version must look like v59.0`, { field: 'api_version' });
  return {
    instanceUrl,
    accessToken: requiredString(config, 'access_token', ID),
    apiVersion,
    externalIdFields: stringMap(config, 'external_id_field', ID),
    objects: stringMap(config, 'objects', ID),
    batchSize: positiveInteger(config, 'batch_size', SALESFORCE_COLLECTION_LIMIT, ID, SALESFORCE_COLLECTION_LIMIT),
    concurrency: positiveInteger(config, 'concurrency', 2, ID, 16),
    retry: readRetryConfig(config, ID),
  };
}

import type { FromSchema } from 'json-schema-to-ts';
import { invalid } from '../../../errors/sinew-error.js';
import { configReader } from '../config-from-schema.js';
import { retryConfig, retryConfigProperties } from '../write/config-reading.js';

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
      default: {},
    },
    objects: {
      type: 'object',
      additionalProperties: { type: 'string' },
      default: {},
      description: 'Stream name → sObject; default: the stream name.',
    },
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
  retry: ReturnType<typeof retryConfig>;
}

/** The config as the schema reads it, defaults filled in. */
type SalesforceSchemaConfig = FromSchema<typeof salesforceConfigSchema>;
const readSchemaConfig = configReader<SalesforceSchemaConfig>(ID, salesforceConfigSchema);

export function readSalesforceConfig(config: Record<string, unknown>): SalesforceConfig {
  const c = readSchemaConfig(config);
  const instanceUrl = c.instance_url.replace(/\/+$/, '');
  if (!/^https?:\/\//.test(instanceUrl)) throw invalid(`${ID}: config.instance_url must be an http(s) URL`, { field: 'instance_url' });
  return {
    instanceUrl,
    accessToken: c.access_token,
    apiVersion: c.api_version,
    externalIdFields: c.external_id_field as Record<string, string>,
    objects: c.objects as Record<string, string>,
    batchSize: c.batch_size,
    concurrency: c.concurrency,
    retry: retryConfig(c),
  };
}

import { invalid } from '../../../errors/sinew-error.js';
import { optionalString, positiveInteger, readRetryConfig, requiredString, retryConfigProperties, stringMap } from '../write/config-reading.js';

const ID = 'hubspot';
/** HubSpot's limit of inputs per batch call. */
export const HUBSPOT_BATCH_LIMIT = 100;

export const hubspotConfigSchema = {
  type: 'object',
  required: ['access_token'],
  properties: {
    access_token: { type: 'string', minLength: 1, writeOnly: true, description: 'Private app or OAuth access token (Bearer).' },
    base_url: { type: 'string', default: 'https://api.hubapi.com', description: 'API root; changed only for tests.' },
    object_types: {
      type: 'object',
      additionalProperties: { type: 'string' },
      description: 'Stream name → CRM object type; default: the stream name in lower case (contacts, companies).',
    },
    batch_size: { type: 'integer', minimum: 1, maximum: HUBSPOT_BATCH_LIMIT, default: HUBSPOT_BATCH_LIMIT },
    concurrency: { type: 'integer', minimum: 1, maximum: 16, default: 2 },
    ...retryConfigProperties,
  },
} as const;

export interface HubspotConfig {
  accessToken: string;
  baseUrl: string;
  objectTypes: Record<string, string>;
  batchSize: number;
  concurrency: number;
  retry: ReturnType<typeof readRetryConfig>;
}

export function readHubspotConfig(config: Record<string, unknown>): HubspotConfig {
  const baseUrl = optionalString(config, 'base_url', 'https://api.hubapi.com', ID).replace(/\/+$/, '');
  if (!/^https?:\/\//.test(baseUrl)) throw invalid(`${ID}: config.base_url must be an http(s) URL`, { field: 'base_url' });
  return {
    accessToken: requiredString(config, 'access_token', ID),
    baseUrl,
    objectTypes: stringMap(config, 'object_types', ID),
    batchSize: positiveInteger(config, 'batch_size', HUBSPOT_BATCH_LIMIT, ID, HUBSPOT_BATCH_LIMIT),
    concurrency: positiveInteger(config, 'concurrency', 2, ID, 16),
    retry: readRetryConfig(config, ID),
  };
}

export function objectTypeOf(config: HubspotConfig, stream: string): string {
  return config.objectTypes[stream] ?? stream.toLowerCase();
}

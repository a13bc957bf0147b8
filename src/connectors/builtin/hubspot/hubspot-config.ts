import type { FromSchema } from 'json-schema-to-ts';
import { invalid } from '../../../errors/sinew-error.js';
import { configReader } from '../config-from-schema.js';
import { retryConfig, retryConfigProperties } from '../write/config-reading.js';

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
      default: {},
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
  retry: ReturnType<typeof retryConfig>;
}

/** The config as the schema reads it, defaults filled in. */
type HubspotSchemaConfig = FromSchema<typeof hubspotConfigSchema>;
const readSchemaConfig = configReader<HubspotSchemaConfig>(ID, hubspotConfigSchema);

export function readHubspotConfig(config: Record<string, unknown>): HubspotConfig {
  const c = readSchemaConfig(config);
  const baseUrl = c.base_url.replace(/\/+$/, '');
  if (!/^https?:\/\//.test(baseUrl)) throw invalid(`${ID}: config.base_url must be an http(s) URL`, { field: 'base_url' });
  return {
    accessToken: c.access_token,
    baseUrl,
    objectTypes: c.object_types as Record<string, string>,
    batchSize: c.batch_size,
    concurrency: c.concurrency,
    retry: retryConfig(c),
  };
}

export function objectTypeOf(config: HubspotConfig, stream: string): string {
  return config.objectTypes[stream] ?? stream.toLowerCase();
}

import type { FromSchema } from 'json-schema-to-ts';
import { invalid } from '../../../errors/sinew-error.js';
import { configReader } from '../config-from-schema.js';
import { retryConfig, retryConfigProperties } from '../write/config-reading.js';

const ID = 'http';

/** Header values that carry credentials: writeOnly, so stored configs are redacted. */
const secretHeader = { type: 'string', writeOnly: true } as const;

export const httpConfigSchema = {
  type: 'object',
  required: ['url'],
  properties: {
    url: { type: 'string', minLength: 1, description: 'The collection, e.g. https://api.example.com/contacts.' },
    create_method: { type: 'string', default: 'POST' },
    create_url: { type: 'string', default: '{url}', description: 'URL template of a create; {url} is the collection.' },
    update_method: { type: 'string', default: 'PATCH' },
    update_url: { type: 'string', default: '{url}/{id}', description: 'URL template of an update; {id} is the remote id.' },
    delete_url: { type: 'string', default: '{url}/{id}', description: 'URL template of a delete (rollback).' },
    batch_url: { type: 'string', description: 'When set, creates are sent as JSON arrays to this URL (template).' },
    batch_method: { type: 'string', default: 'POST' },
    batch_size: { type: 'integer', minimum: 1, maximum: 10000, default: 100 },
    headers: {
      type: 'object',
      description: 'Headers sent with every call, e.g. the auth header.',
      properties: { Authorization: secretHeader, authorization: secretHeader, 'X-Api-Key': secretHeader, 'x-api-key': secretHeader },
      additionalProperties: { type: 'string' },
      default: {},
    },
    id_field: { type: 'string', default: 'id', description: 'Field of the response holding the remote id.' },
    concurrency: { type: 'integer', minimum: 1, maximum: 64, default: 8, description: 'Calls in flight at once.' },
    ...retryConfigProperties,
  },
} as const;

export interface HttpTargetConfig {
  url: string;
  createMethod: string;
  createUrl: string;
  updateMethod: string;
  updateUrl: string;
  deleteUrl: string;
  batchUrl: string | null;
  batchMethod: string;
  batchSize: number;
  headers: Record<string, string>;
  idField: string;
  concurrency: number;
  retry: ReturnType<typeof retryConfig>;
}

function checkTemplate(template: string, field: string, needsId: boolean): string {
  if (needsId && !template.includes('{id}')) throw invalid(`${ID}: config.${field} must contain {id}`, { field });
  return template;
}

/** The config as the schema reads it, defaults filled in. */
type HttpSchemaConfig = FromSchema<typeof httpConfigSchema>;
const readSchemaConfig = configReader<HttpSchemaConfig>(ID, httpConfigSchema);

export function readHttpConfig(config: Record<string, unknown>): HttpTargetConfig {
  const c = readSchemaConfig(config);
  const url = c.url.replace(/\/+$/, '');
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw invalid(`${ID}: config.url must be an http(s) URL`, { field: 'url' });
  }
  return {
    url,
    createMethod: c.create_method.toUpperCase(),
    createUrl: checkTemplate(c.create_url, 'create_url', false),
    updateMethod: c.update_method.toUpperCase(),
    updateUrl: checkTemplate(c.update_url, 'update_url', true),
    deleteUrl: checkTemplate(c.delete_url, 'delete_url', true),
    batchUrl: c.batch_url ?? null,
    batchMethod: c.batch_method.toUpperCase(),
    batchSize: c.batch_size,
    headers: c.headers as Record<string, string>,
    idField: c.id_field,
    concurrency: c.concurrency,
    retry: retryConfig(c),
  };
}

/** Fills `{url}` and `{id}` (URL-encoded) of a URL template. */
export function fillUrl(template: string, url: string, id?: string): string {
  return template.replaceAll('{url}', url).replaceAll('{id}', id === undefined ? '' : encodeURIComponent(id));
}

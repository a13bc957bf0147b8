import { dateTime, nullableDateTime, nullableOpenObject, nullableText, openObject, text } from './schema-parts.js';

/** Whether a link's credentials work, as far as Sinew knows (src/model/link.ts LinkHealth). */
const linkHealthSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['status', 'reason', 'since'],
  description:
    'ok: a provider issued or refreshed its tokens, or its check passed; invalid: its system refused them (link again); unknown: not checked',
  properties: {
    status: { type: 'string', enum: ['ok', 'invalid', 'unknown'] },
    reason: { type: ['object', 'null'], additionalProperties: false, properties: { code: text, message: text } },
    since: dateTime,
  },
} as const;

/** `POST …/check`: what the connector's credential check said, and the link's health after it. */
export const linkCheckSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['result', 'message', 'health'],
  properties: {
    result: {
      type: 'string',
      enum: ['ok', 'refused', 'inconclusive'],
      description: 'inconclusive: the system could not be asked (the health stays)',
    },
    message: { ...nullableText, description: "The connector's own words, scrubbed of secrets" },
    health: linkHealthSchema,
  },
} as const;

/**
 * A link as the API shows it (src/links/link-service.ts `linkView`); its connector is named by
 * `tap` (linkedSources), `target` (linkedTargets) or `connector_id` (linkedConnectors).
 */
export const linkSchema = (idField: 'tap' | 'target' | 'connector_id') =>
  ({
    type: 'object',
    additionalProperties: false,
    required: [idField, 'flow_id', 'tenant', 'config', 'created_at', 'updated_at'],
    properties: {
      [idField]: text,
      flow_id: text,
      tenant: text,
      config: openObject('Redacted: secrets read `********`'),
      field_map: nullableOpenObject(),
      catalog: nullableOpenObject('The Singer catalog from the last discover'),
      schedule: nullableOpenObject(),
      health: linkHealthSchema,
      created_at: dateTime,
      updated_at: dateTime,
    },
  }) as const;

const discoverRun = {
  status: { type: 'string', enum: ['DISCOVER_STARTED', 'DISCOVER_SUCCESS', 'DISCOVER_FAILED'] },
  started_at: dateTime,
  finished_at: nullableDateTime,
  error: nullableText,
} as const;

/** `POST …/linkedConnectors/discover` */
export const discoverRunSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['status', 'started_at', 'finished_at', 'error'],
  properties: discoverRun,
} as const;
/** `GET …/linkedConnectors/discover/poll`: the run and, once it succeeded, the catalog. */
export const discoverPollSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['status', 'started_at', 'finished_at', 'error', 'catalog'],
  properties: { ...discoverRun, catalog: nullableOpenObject('The Singer catalog found') },
} as const;

/** A link's incremental state: Singer state, whatever the connector keeps (numbers with their exact text). */
export const linkStateSchema = openObject('Singer state (`bookmarks`, …) as the connector wrote it');

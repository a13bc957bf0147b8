import { connectorDefinitionSchema } from '../../connectors/connector-definition-schema.js';
import { errorSchema } from '../openapi/error-responses.js';
import { eventDetailSchema, eventSchema } from './event-schema.js';
import { flowSchema } from './flow-schema.js';
import { exportPageSchema, jobSchema } from './job-schema.js';
import { linkSchema } from './link-schema.js';
import { scheduleSchema } from './schedule-schema.js';

/**
 * The answers many routes share, registered once (`app.addSchema`) and referenced by name: in
 * /openapi.json they are `#/components/schemas/<name>`, and in the generated client types
 * `components['schemas']['<name>']`, instead of one copy per route.
 */
const SHARED = {
  Error: errorSchema,
  Job: jobSchema,
  ExportDetails: exportPageSchema,
  Flow: flowSchema,
  Schedule: scheduleSchema,
  LinkedSource: linkSchema('tap'),
  LinkedTarget: linkSchema('target'),
  LinkedConnector: linkSchema('connector_id'),
  Event: eventSchema,
  EventDetail: eventDetailSchema,
  ConnectorDefinition: connectorDefinitionSchema,
} as const;

export type SharedSchemaName = keyof typeof SHARED;

/** `{ $ref }` to a shared schema, as a route's response schema. */
export const ref = (name: SharedSchemaName) => ({ $ref: `${name}#` }) as const;
export const listOf = (name: SharedSchemaName) => ({ type: 'array', items: ref(name) }) as const;

export const sharedSchemas = (): object[] => Object.entries(SHARED).map(([$id, schema]) => ({ ...schema, $id }));

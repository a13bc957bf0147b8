import { flowDefinitionSchema } from '../../flows/flow-service.js';
import { dateTime, text } from './schema-parts.js';

const { target, ...definition } = flowDefinitionSchema.properties;

/** A flow as the API shows it: its definition (the target's config redacted) and its ids and times. */
export const flowSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['env_id', 'flow_id', 'name', 'type', 'connectors', 'created_at', 'updated_at'],
  properties: {
    ...definition,
    target: {
      ...target,
      properties: {
        ...target.properties,
        config: { type: 'object', additionalProperties: true, description: 'Redacted: secrets read `********`' },
      },
    },
    env_id: text,
    flow_id: text,
    created_at: dateTime,
    updated_at: dateTime,
  },
} as const;

const flowType = flowDefinitionSchema.properties.type;

/** `GET /{env}/flows/supported`: what the widget offers. */
export const supportedFlowsSchema = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['flow_id', 'name', 'type', 'connectors'],
    properties: { flow_id: text, name: text, type: flowType, connectors: { type: 'array', items: text } },
  },
} as const;

/** `GET /{env}/flows/linked?tenant_id=`: the flows in which the tenant has links, and those links. */
export const linkedFlowsSchema = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['flow_id', 'name', 'type', 'linked'],
    properties: {
      flow_id: text,
      name: text,
      type: flowType,
      linked: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['role', 'connector_id'],
          properties: { role: { type: 'string', enum: ['source', 'target', 'connector'] }, connector_id: text },
        },
      },
    },
  },
} as const;

import { installSpecSchema } from '../../connectors/connector-definition-schema.js';

/** GET /{env}/connectors/catalogue: catalogue/singer-connectors.json. */
export const catalogueEntrySchema = {
  type: 'object',
  additionalProperties: true,
  required: ['id', 'name', 'kind', 'install', 'command', 'capabilities', 'config_schema'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    kind: { type: 'string', enum: ['source', 'target', 'both'] },
    install: installSpecSchema,
    command: { type: 'array', items: { type: 'string' } },
    capabilities: { type: 'array', items: { type: 'string' } },
    config_schema: { type: 'object', additionalProperties: true },
    icon: { type: 'string' },
    docs: { type: 'string' },
  },
} as const;

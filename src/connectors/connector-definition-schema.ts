import { connectorAuthSchema } from './connector-auth-schema.js';

/**
 * The connector routes' schemas: the registration body (PUT /{env}/connectors/{id}) and a
 * definition as the API answers it (GET and PUT), which /openapi.json shows.
 */
const catalogFlag = { type: 'string', enum: ['--catalog', '--properties', 'both', 'none'] } as const;

/** How a registered connector's credentials are checked (src/model/credential-check.ts). */
const connectorCheckSchema = {
  type: 'object',
  required: ['run'],
  additionalProperties: false,
  description:
    "How a link's credentials are checked before it is saved and by …/check: the tap's --discover, or a command given --config <file> (exit 0: they work).",
  properties: {
    run: { type: 'string', enum: ['discover', 'command'] },
    command: { type: 'array', minItems: 1, maxItems: 100, items: { type: 'string', minLength: 1 } },
  },
} as const;

const capabilityProperties = {
  discover: { type: 'boolean' },
  incremental: { type: 'boolean' },
  write: { type: 'boolean' },
  native_external_id: { type: 'boolean' },
  write_results: { type: 'boolean' },
} as const;

export const installSpecSchema = {
  type: 'object',
  minProperties: 1,
  maxProperties: 1,
  additionalProperties: false,
  description:
    'Sinew installs the connector into an environment of its own under its data dir: one of pip (a requirement or local package), npm (a package spec or local package), path (a local directory or archive, copied).',
  properties: {
    pip: { type: 'string', minLength: 1, maxLength: 2000 },
    npm: { type: 'string', minLength: 1, maxLength: 2000 },
    path: { type: 'string', minLength: 1, maxLength: 2000 },
  },
} as const;

/** A connector's install as GET shows it (src/model/connector-install.ts). */
const connectorInstallSchema = {
  type: 'object',
  additionalProperties: true,
  required: ['spec', 'status', 'log_tail'],
  properties: {
    spec: installSpecSchema,
    hash: { type: 'string' },
    status: { type: 'string', enum: ['installing', 'installed', 'failed'] },
    requested_at: { type: 'string', format: 'date-time' },
    started_at: { type: 'string', format: 'date-time' },
    finished_at: { type: 'string', format: 'date-time' },
    log_tail: { type: 'array', items: { type: 'string' } },
    error: { type: 'string' },
  },
} as const;

export const singerConnectorSchema = {
  type: 'object',
  description:
    'kind and command, or install (command then defaults to the id), or catalogue (an entry of GET …/connectors/catalogue; the other fields override it).',
  additionalProperties: false,
  properties: {
    kind: { type: 'string', enum: ['source', 'target', 'both'] },
    runtime: { type: 'string', enum: ['singer'] },
    label: { type: 'string' },
    command: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
    install: installSpecSchema,
    catalogue: { type: 'string', minLength: 1, maxLength: 100 },
    config_schema: { type: 'object', description: 'Wins over the settings an SDK tap gives for --about.' },
    catalog_flag: { ...catalogFlag, description: 'Wins over what probing found.' },
    install_uri: { type: 'string' },
    capabilities: { type: 'object', additionalProperties: false, properties: capabilityProperties },
    auth: connectorAuthSchema,
    check: connectorCheckSchema,
  },
} as const;

const connectorProbeSchema = {
  type: 'object',
  description: 'What running the executable with `--about --format=json` (Singer SDK) and `--help` found when it was registered.',
  additionalProperties: true,
  properties: {
    method: {
      type: 'string',
      enum: ['about', 'help', 'none'],
      description: 'The probe that answered; none: Sinew defaults apply (see note).',
    },
    discover: { type: 'boolean', nullable: true },
    // Null when no probe answered (method none): an enum without null would refuse that answer.
    catalog_flag: { type: ['string', 'null'], enum: [...catalogFlag.enum, null] },
    state: { type: 'boolean', nullable: true, description: 'The tap takes --state.' },
    config_schema: { type: 'boolean', description: "The SDK's settings gave the config schema." },
    found_at: { type: 'string', format: 'date-time' },
    note: { type: 'string' },
    overridden: {
      type: 'array',
      items: { type: 'string', enum: ['discover', 'catalog_flag', 'config_schema'] },
      description: 'Set by the registration, winning over the probe.',
    },
  },
} as const;

/** Objects stay open (additionalProperties), so an answer is never cut short by its schema. */
export const connectorDefinitionSchema = {
  type: 'object',
  additionalProperties: true,
  required: ['id', 'kind', 'builtin'],
  properties: {
    id: { type: 'string' },
    kind: { type: 'string', enum: ['source', 'target', 'both'] },
    label: { type: 'string' },
    builtin: { type: 'boolean' },
    config_schema: { type: 'object', additionalProperties: true },
    capabilities: { type: 'object', additionalProperties: true, properties: capabilityProperties },
    runtime: {
      type: 'object',
      additionalProperties: true,
      properties: {
        runtime: { type: 'string', enum: ['builtin', 'singer'] },
        command: { type: 'array', items: { type: 'string' } },
        install_uri: { type: 'string' },
        catalog_flag: { ...catalogFlag, description: 'How the catalog is passed; absent: --catalog; none: never.' },
        accepts_state: { type: 'boolean', description: 'False: the tap is run without --state.' },
      },
    },
    probe: connectorProbeSchema,
    auth: connectorAuthSchema,
    check: connectorCheckSchema,
    install: connectorInstallSchema,
  },
} as const;

import type { JsonSchema } from '../singer/json-schema.js';

export type ConnectorKind = 'source' | 'target' | 'both';

export interface ConnectorCapabilities {
  discover: boolean;
  incremental: boolean;
  write: boolean;
  native_external_id: boolean;
}

/**
 * How a connector runs. Built-ins are TypeScript modules run through the connector SDK's Singer
 * adapter; registered ones are any Singer executable given as argv.
 */
export type ConnectorRuntime =
  | { runtime: 'builtin' }
  | { runtime: 'singer'; command: string[]; install_uri?: string; catalog_flag?: '--catalog' | '--properties' };

export interface ConnectorDefinition {
  id: string;
  kind: ConnectorKind;
  label?: string;
  config_schema: JsonSchema;
  capabilities: ConnectorCapabilities;
  runtime: ConnectorRuntime;
  /** True for the connectors that ship with Sinew; those cannot be changed through the API. */
  builtin: boolean;
}

import type { JsonSchema } from '../singer/json-schema.js';

export type ConnectorKind = 'source' | 'target' | 'both';

export interface ConnectorCapabilities {
  discover: boolean;
  incremental: boolean;
  write: boolean;
  native_external_id: boolean;
  /**
   * The target speaks Sinew's write protocol (docs/write-targets.md): it honours
   * `__sinew_remote_id` / `__sinew_delete` and prints a result per record. Only such targets get
   * record ids from the record-id map, unchanged duplicates skipped and rollback deletes.
   * Absent on definitions stored before it existed: read as false.
   */
  write_results?: boolean;
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

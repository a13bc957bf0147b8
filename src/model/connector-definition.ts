import type { ConnectorAuth } from './connector-auth.js';
import type { ConnectorInstall } from './connector-install.js';
import type { ConnectorCheck } from './credential-check.js';
import type { JsonSchema } from './json-schema.js';

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
 * How a tap is given its catalog: `--catalog` (newer taps, the Singer SDK), `--properties` (older
 * singer-io taps such as tap-postgres), `both` (singer-python's parse_args accepts both and a tap
 * reads one of them, which its --help cannot tell), or `none` (the tap takes no catalog, e.g. tap-csv).
 */
export type CatalogFlag = '--catalog' | '--properties' | 'both' | 'none';

/**
 * How a connector runs. Built-ins are TypeScript modules run through the connector SDK's Singer
 * adapter; registered ones are any Singer executable given as argv.
 */
export type ConnectorRuntime =
  | { runtime: 'builtin' }
  | {
      runtime: 'singer';
      command: string[];
      install_uri?: string;
      /** Absent: `--catalog` (definitions stored before probing, or nothing found). */
      catalog_flag?: CatalogFlag;
      /** False when the tap does not take `--state`; absent means it does. */
      accepts_state?: boolean;
    };

/** The capabilities that probing decides and a registration may set instead. */
export type ProbedField = 'discover' | 'catalog_flag' | 'config_schema';

/**
 * What Sinew learnt by running a registered executable when it was registered: the Singer SDK's
 * `--about --format=json`, else its `--help`. The definition's own fields hold the values in force;
 * these are what the probe found, kept so a job's error can say how a flag was chosen.
 */
export interface ConnectorProbe {
  /** Which probe answered; `none`: neither did, and Sinew's defaults apply (see `note`). */
  method: 'about' | 'help' | 'none';
  /** Null when the probe could not tell (method `none`). */
  discover: boolean | null;
  catalog_flag: CatalogFlag | null;
  /** The tap takes `--state`. */
  state: boolean | null;
  /** The SDK's `settings` gave a config schema. */
  config_schema: boolean;
  found_at: string;
  /** What was seen, or why nothing answered. */
  note: string;
  /** Values the registration set itself; they win over the probe. */
  overridden: ProbedField[];
}

export interface ConnectorDefinition {
  id: string;
  kind: ConnectorKind;
  label?: string;
  config_schema: JsonSchema;
  capabilities: ConnectorCapabilities;
  runtime: ConnectorRuntime;
  /** True for the connectors that ship with Sinew; those cannot be changed through the API. */
  builtin: boolean;
  /** Registered connectors only; absent on definitions stored before probing existed. */
  probe?: ConnectorProbe;
  /** How a tenant authenticates (connector-auth.ts); absent: `fields`, as before auth was declared. */
  auth?: ConnectorAuth;
  /** How a registered connector's credentials are checked (credential-check.ts); built-ins have their own. */
  check?: ConnectorCheck;
  /** Registered connectors Sinew installs itself (connector-install.ts): the spec, status and log. */
  install?: ConnectorInstall;
}

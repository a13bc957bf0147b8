import type { TokenFields } from '../connectors/sdk/access-token.js';
import type { Catalog } from '../model/catalog.js';
import type { CatalogFlag } from '../model/connector-definition.js';
import type { EtlStep } from '../model/etl-step.js';
import type { FieldMap } from '../model/field-map.js';
import type { Job } from '../model/job.js';
import type { JobSettings } from '../model/job-settings.js';
import type { JsonSchema } from '../model/json-schema.js';
import type { AddressPolicy } from '../outbound/address-policy.js';
import type { ConnectorUser } from '../runtime/connector-user.js';

/** One side of a job: a connector resolved to a runnable Singer command, with its config in clear. */
export interface PlannedConnector {
  connector_id: string;
  command: string[];
  catalogFlag: CatalogFlag;
  /** False for a tap that does not take `--state`. */
  acceptsState?: boolean;
  /** A registered tap: the flags Sinew gives it and how they were chosen, for a failed job's error. */
  capabilityNote?: string;
  config: Record<string, unknown>;
  config_schema: JsonSchema | null;
  /** Run discover before the sync (no stored catalog, or settings ask for it). */
  discover: boolean;
  /** Ships with Sinew (`command` runs it through the Sinew CLI; a job may run its writer in-process). */
  builtin: boolean;
  /** A target that speaks the write protocol: the record-id map and rollback deletes apply. */
  write_results: boolean;
  /** The target upserts by external id itself: the map records its ids but adds none. */
  native_external_id: boolean;
  /**
   * The config fields of the link's bearer token, when this connector is the tenant's link and a
   * built-in: it then asks the worker for a newer token as it runs (token-messages.ts).
   */
  link_tokens?: TokenFields;
}

/**
 * Everything a job process needs, built by the worker (which alone reads the store and decrypts
 * credentials) and handed over IPC — never argv or env, so credentials do not show in `ps`.
 */
export interface JobPlan {
  job: Job;
  workspaceDir: string;
  source: PlannedConnector;
  target: PlannedConnector | null;
  /** The state the tap starts from; null when the job root's state.json already holds it (a write job's records). */
  inputState: Record<string, unknown> | null;
  /** The link's state when the job started (read then, not when it was created); null for write jobs. */
  linkStateAtStart: Record<string, unknown> | null;
  catalog: Catalog | null;
  fieldMap: FieldMap | null;
  selectedTables: string[] | null;
  streaming: boolean;
  /** Environment variables for connector processes (no Sinew secrets). */
  env: Record<string, string>;
  /** The job settings in force (environment's, overridden by the flow's). */
  settings: JobSettings;
  /**
   * What the job's built-in connectors may connect to: the environment's outbound address policy,
   * decided by the worker (the job process reads no SINEW_* variable and no settings).
   */
  addressPolicy: AddressPolicy;
  /** The flow's ETL step; null: pass-through shaped by the field map. */
  etl: EtlStep | null;
  /** When the job process started counting its time limit (epoch ms). */
  deadline: number;
  /**
   * The job's lease as its worker holds it (expiry as written in the row), and how long before it
   * the process stops its connectors when no renewal came (process/lease-fence.ts).
   */
  lease?: { expiresAt: number; marginMs: number };
  /**
   * The 0700 folder for this run's clear configs, made by the worker (job-secrets-dir.ts), which
   * removes it when the process exits, however it exits.
   */
  secretsDir?: string;
  /** SINEW_CONNECTOR_USER: registered (not built-in) connectors run as this account (connector-identity.ts). */
  connectorUser?: ConnectorUser;
  /** `rollback`: only roll back what an earlier, stopped run of this job wrote (run-rollback.ts). */
  mode?: 'run' | 'rollback';
}

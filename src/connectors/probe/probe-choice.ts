import type { CatalogFlag, ConnectorKind, ConnectorProbe, ProbedField } from '../../model/connector-definition.js';
import type { JsonSchema } from '../../model/json-schema.js';
import type { ProbeOutcome } from './probe-findings.js';

/** What a registration body says itself about the fields a probe can find. */
export interface ExplicitCapabilities {
  kind: ConnectorKind;
  discover?: boolean;
  catalog_flag?: CatalogFlag;
  config_schema?: JsonSchema;
}

export interface ProbedDefinitionFields {
  discover: boolean;
  /** Undefined: Sinew's default (`--catalog`). */
  catalogFlag: CatalogFlag | undefined;
  /** Undefined: the tap takes `--state`. */
  acceptsState: boolean | undefined;
  configSchema: JsonSchema;
  probe: ConnectorProbe;
}

/**
 * The values in force for a new definition: what the registration set, else what the probe found,
 * else Sinew's old defaults (discover unless a target, `--catalog`, `--state`, no schema).
 */
export function chooseProbedFields(explicit: ExplicitCapabilities, outcome: ProbeOutcome, foundAt: string): ProbedDefinitionFields {
  const found = outcome.method === 'none' ? null : outcome;
  // A target's discover, catalog and state flags are never used: the probe decides nothing there.
  const tap = explicit.kind !== 'target' ? found : null;
  const overridden = (['discover', 'catalog_flag', 'config_schema'] as const).filter(
    (field): field is ProbedField => explicit[field] !== undefined,
  );
  return {
    discover: explicit.discover ?? (explicit.kind === 'target' ? false : (tap?.discover ?? true)),
    catalogFlag: explicit.catalog_flag ?? tap?.catalogFlag,
    acceptsState: tap && !tap.state ? false : undefined,
    configSchema: explicit.config_schema ?? found?.settings ?? {},
    probe: {
      method: outcome.method,
      discover: found?.discover ?? null,
      catalog_flag: found?.catalogFlag ?? null,
      state: found?.state ?? null,
      config_schema: found?.settings != null,
      found_at: foundAt,
      note: outcome.note,
      overridden,
    },
  };
}

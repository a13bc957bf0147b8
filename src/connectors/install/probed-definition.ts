import type { ConnectorDefinition } from '../../model/connector-definition.js';
import { chooseProbedFields, type ExplicitCapabilities, type ProbedDefinitionFields } from '../probe/probe-choice.js';
import type { ProbeOutcome } from '../probe/probe-findings.js';

/** What the registration itself set, read back from a stored definition (its probe's `overridden`). */
function explicitOf(def: ConnectorDefinition): ExplicitCapabilities {
  const set = new Set(def.probe?.overridden ?? []);
  const catalogFlag = def.runtime.runtime === 'singer' ? def.runtime.catalog_flag : undefined;
  return {
    kind: def.kind,
    ...(set.has('discover') ? { discover: def.capabilities.discover } : {}),
    ...(set.has('catalog_flag') && catalogFlag ? { catalog_flag: catalogFlag } : {}),
    ...(set.has('config_schema') ? { config_schema: def.config_schema } : {}),
  };
}

/** The definition's probed fields as `fields` decides them (connector-service.ts does the same at registration). */
export function applyProbedFields(def: ConnectorDefinition, fields: ProbedDefinitionFields): ConnectorDefinition {
  if (def.runtime.runtime !== 'singer') return def;
  const { catalog_flag: _flag, accepts_state: _state, ...runtime } = def.runtime;
  return {
    ...def,
    config_schema: fields.configSchema,
    capabilities: { ...def.capabilities, discover: fields.discover },
    runtime: {
      ...runtime,
      ...(fields.catalogFlag ? { catalog_flag: fields.catalogFlag } : {}),
      ...(fields.acceptsState === false ? { accepts_state: false } : {}),
    },
    probe: fields.probe,
  };
}

/** A stored definition probed again (after its install): what the registration set still wins. */
export function reprobed(def: ConnectorDefinition, outcome: ProbeOutcome, foundAt: string): ConnectorDefinition {
  return applyProbedFields(def, chooseProbedFields(explicitOf(def), outcome, foundAt));
}

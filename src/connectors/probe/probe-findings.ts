import type { CatalogFlag } from '../../model/connector-definition.js';
import type { JsonSchema } from '../../model/json-schema.js';

/** What one probe that answered learnt about an executable. */
export interface ProbeFindings {
  method: 'about' | 'help';
  discover: boolean;
  catalogFlag: CatalogFlag;
  /** The tap takes `--state`. */
  state: boolean;
  /** The Singer SDK's `settings`: the config's JSON Schema. */
  settings: JsonSchema | null;
  note: string;
}

/** The outcome of probing: the findings of the probe that answered, or why none did. */
export type ProbeOutcome = ProbeFindings | { method: 'none'; note: string };

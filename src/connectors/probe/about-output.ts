import type { JsonSchema } from '../../model/json-schema.js';
import { jsonOutputCandidates } from '../../singer/json-output.js';
import type { ProbeFindings } from './probe-findings.js';

/** The Singer SDK's `--about --format=json` document, as far as Sinew reads it. */
interface AboutDocument {
  name?: unknown;
  capabilities: unknown[];
  settings?: unknown;
}

/**
 * Reads what a Meltano Singer SDK executable printed for `--about --format=json`: its
 * `capabilities` (e.g. catalog, discover, state, properties, about) and its `settings` schema.
 * Null when the output is not such a document (the executable is no SDK tap).
 */
export function readAboutOutput(stdout: string): ProbeFindings | null {
  const about = aboutDocument(stdout);
  if (!about) return null;
  const capabilities = new Set(about.capabilities.filter((c): c is string => typeof c === 'string'));
  const settings = settingsSchema(about.settings);
  return {
    method: 'about',
    discover: capabilities.has('discover'),
    // The SDK reads `--catalog`; `properties` alone is the legacy name of the same capability.
    catalogFlag: capabilities.has('catalog') ? '--catalog' : capabilities.has('properties') ? '--properties' : 'none',
    state: capabilities.has('state'),
    settings,
    note: `--about lists capabilities: ${[...capabilities].join(', ') || 'none'}${settings ? '; settings give the config schema' : ''}`,
  };
}

function aboutDocument(stdout: string): AboutDocument | null {
  for (const text of jsonOutputCandidates(stdout)) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      continue;
    }
    if (isObject(value) && Array.isArray(value.capabilities)) return value as unknown as AboutDocument;
  }
  return null;
}

/** The SDK gives `settings` as a JSON Schema object; anything else is not used as one. */
function settingsSchema(settings: unknown): JsonSchema | null {
  return isObject(settings) && isObject(settings.properties) ? settings : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

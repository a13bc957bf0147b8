import type { JsonSchema } from '../model/json-schema.js';

const SECRET_NAME = /pass(word)?|secret|token|api[_-]?key|private[_-]?key|credential|auth|access[_-]?key|client[_-]?secret/i;
export const REDACTED = '********';

function schemaMarksSecret(schema: unknown): boolean {
  if (!schema || typeof schema !== 'object') return false;
  const s = schema as Record<string, unknown>;
  return s.writeOnly === true || s.secret === true || s.airbyte_secret === true || s.format === 'password';
}

/**
 * Returns a copy of a connector config with every credential replaced by `********`: fields the
 * config schema marks secret (writeOnly, format password, secret / airbyte_secret) and, because
 * Singer taps rarely publish schemas, any field whose name looks like a credential.
 */
export function redactConfig(config: unknown, schema?: JsonSchema | null): unknown {
  if (Array.isArray(config)) return config.map((v) => redactConfig(v, (schema?.items as JsonSchema) ?? null));
  if (!config || typeof config !== 'object') return config;
  const props = (schema?.properties ?? {}) as Record<string, JsonSchema>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config as Record<string, unknown>)) {
    const sub = props[key];
    if (value !== null && value !== '' && (schemaMarksSecret(sub) || (SECRET_NAME.test(key) && typeof value !== 'object'))) {
      out[key] = REDACTED;
    } else {
      out[key] = redactConfig(value, sub ?? null);
    }
  }
  return out;
}

/**
 * A client that read a redacted config and sends it back (the dashboard's read-edit-save) must not
 * overwrite the stored credentials with `********`: every `********` in `incoming` takes the value
 * stored at the same place in `stored`, when there is one.
 */
export function restoreRedacted(incoming: unknown, stored: unknown): unknown {
  if (incoming === REDACTED) return stored !== undefined && stored !== null && typeof stored !== 'object' ? stored : incoming;
  if (Array.isArray(incoming)) return incoming.map((v, i) => restoreRedacted(v, Array.isArray(stored) ? stored[i] : undefined));
  if (!incoming || typeof incoming !== 'object') return incoming;
  const from = stored && typeof stored === 'object' && !Array.isArray(stored) ? (stored as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(incoming as Record<string, unknown>)) out[key] = restoreRedacted(value, from[key]);
  return out;
}

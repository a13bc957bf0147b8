import type { JsonSchema } from '../model/json-schema.js';

const SECRET_NAME = /pass(word)?|secret|token|api[_-]?key|private[_-]?key|credential|auth|access[_-]?key|client[_-]?secret/i;
export const REDACTED = '********';

/**
 * Only arrays and plain objects are walked. Anything else is a value and is kept as it is: above
 * all a LosslessNumber (a number JSON.parse would change, read losslessly from the request or the
 * store), whose copy as a plain object would lose its identity and be written as
 * `{"value":"…","isLosslessNumber":true}` instead of the number (issue #10).
 */
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);
/** A string, a number (lossless or not), a boolean: what a credential can be. */
const isScalar = (v: unknown): boolean => v !== null && v !== undefined && !Array.isArray(v) && !isPlainObject(v);

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
  if (!isPlainObject(config)) return config;
  const props = (schema?.properties ?? {}) as Record<string, JsonSchema>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    const sub = props[key];
    if (value !== null && value !== '' && (schemaMarksSecret(sub) || (SECRET_NAME.test(key) && isScalar(value)))) {
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
  if (incoming === REDACTED) return isScalar(stored) ? stored : incoming;
  if (Array.isArray(incoming)) return incoming.map((v, i) => restoreRedacted(v, Array.isArray(stored) ? stored[i] : undefined));
  if (!isPlainObject(incoming)) return incoming;
  const from = isPlainObject(stored) ? stored : {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(incoming)) out[key] = restoreRedacted(value, from[key]);
  return out;
}

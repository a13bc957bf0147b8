import { REDACTED, redactConfig } from '../crypto/config-redaction.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { sinkSecretPaths } from '../sinks/sink-registry.js';

/**
 * Every credential of the settings document, by path: who holds one can sign webhooks, post to the
 * owner's Datadog or Slack (a Slack incoming-webhook URL is itself the credential), or read and
 * write the environment's bucket.
 */
export const SETTINGS_SECRET_PATHS: ReadonlyArray<readonly string[]> = [
  ...sinkSecretPaths().map((p) => ['monitoring', ...p]),
  ['storage', 'secret_access_key'],
];

/**
 * A sealed value in the stored document: `sealed:` and the SecretBox text. The mark tells a sealed
 * value from one stored in clear before sealing existed, which is read as it is and sealed at the
 * next save or start (sealClearSecrets).
 */
const SEALED = 'sealed:';

type Doc = Record<string, unknown>;

/** The document as stored: every secret sealed (values already sealed are kept). */
export function sealSettings(box: SecretBox, settings: Doc): Doc {
  return mapSecrets(settings, (value) => (isSealed(value) ? value : `${SEALED}${box.encrypt(value)}`));
}

/** The document with its secrets in clear, for the code that uses them (event delivery, storage). */
export function openSettings(box: SecretBox, settings: Doc): Doc {
  return mapSecrets(settings, (value) => (isSealed(value) ? box.decrypt(value.slice(SEALED.length)) : value));
}

/** The document as the API shows it: every secret `********`, the Slack URL included. */
export function redactSettings(settings: Doc): Doc {
  return mapSecrets(redactConfig(settings) as Doc, () => REDACTED);
}

/** Whether a secret of the stored document is still in clear (stored before sealing). */
export function hasClearSecrets(settings: Doc): boolean {
  let clear = false;
  mapSecrets(settings, (value) => {
    if (!isSealed(value)) clear = true;
    return value;
  });
  return clear;
}

function isSealed(value: string): boolean {
  return value.startsWith(SEALED);
}

/** A copy of `settings` with each non-empty string at a secret path replaced by `f` of it. */
function mapSecrets(settings: Doc, f: (value: string) => string): Doc {
  let out = settings;
  for (const at of SETTINGS_SECRET_PATHS) {
    const value = valueAt(out, at);
    if (typeof value === 'string' && value !== '') out = withValueAt(out, at, f(value));
  }
  return out;
}

function valueAt(doc: Doc, at: readonly string[]): unknown {
  let node: unknown = doc;
  for (const key of at) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = (node as Doc)[key];
  }
  return node;
}

/** A copy along the path only: the rest of the document is shared, never changed in place. */
function withValueAt(doc: Doc, at: readonly string[], value: string): Doc {
  const [key, ...rest] = at;
  if (key === undefined) return doc;
  if (rest.length === 0) return { ...doc, [key]: value };
  return { ...doc, [key]: withValueAt((doc[key] ?? {}) as Doc, rest, value) };
}

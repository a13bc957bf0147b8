import type { JsonSchema } from '../model/json-schema.js';
import type { OutputFilter } from '../singer/bounded-log.js';
import { REDACTED, redactConfig } from './config-redaction.js';

/** What the scrubber needs of a connector a job runs: its config and which of its fields are secret. */
export interface ConfiguredConnector {
  config: Record<string, unknown>;
  config_schema: JsonSchema | null;
}

/** What a secret becomes in anything Sinew derives from connector output. */
export const SCRUBBED = '***';
/**
 * Shorter plain values are left alone: scrubbing every `id` or `us` would garble logs and errors
 * without protecting anything. Fields marked secret (by schema or by name) are scrubbed from 3.
 */
const MIN_PLAIN = 4;
const MIN_SECRET = 3;

/**
 * Replaces every value of a job's configs (source, target, their overrides — all in the plan in
 * clear) with `***` in text a connector produced: stderr logs, errors, messages. A connector that
 * prints its config (or its password in an error) must not hand it to tenants, events, webhooks or
 * logs. The forms a value takes in output are covered: as is, JSON-escaped, URL-encoded and
 * base64 (standard and URL-safe, as in a token or a header), and `user:password` pairs of one
 * config object in base64, as an `Authorization: Basic …` header carries them. Hashes of a secret
 * are not: they cannot be reversed, and every digest of every value cannot be listed.
 */
export class SecretScrubber {
  private readonly pattern: RegExp | null;
  /** The longest form: a streamed chunk keeps this much minus one back, a secret may span chunks. */
  readonly longest: number;

  constructor(values: Iterable<string>) {
    const forms = new Set<string>();
    for (const v of values) for (const form of formsOf(v)) forms.add(form);
    // Longest first: a secret containing another is replaced whole, not around the shorter one.
    const sorted = [...forms].sort((a, b) => b.length - a.length);
    this.longest = sorted[0]?.length ?? 0;
    this.pattern = sorted.length > 0 ? new RegExp(sorted.map(escapeRegExp).join('|'), 'g') : null;
  }

  /** The scrubber of a job: every string of its configs, and every secret-marked value. */
  static ofConnectors(connectors: ReadonlyArray<ConfiguredConnector | null | undefined>): SecretScrubber {
    const values: string[] = [];
    for (const c of connectors) if (c) collectValues(c.config, redactConfig(c.config, c.config_schema), values, false);
    return new SecretScrubber(values);
  }

  /**
   * Only the secret-marked values (by schema or by name): for data that legitimately repeats plain
   * config values — a discovered catalog names the schema or database the config names — where
   * scrubbing those would corrupt it, while a password has no business there.
   */
  static ofSecretFields(connectors: ReadonlyArray<ConfiguredConnector | null | undefined>): SecretScrubber {
    const values: string[] = [];
    for (const c of connectors) if (c) collectValues(c.config, redactConfig(c.config, c.config_schema), values, true);
    return new SecretScrubber(values);
  }

  get empty(): boolean {
    return this.pattern === null;
  }

  scrub(text: string): string {
    if (this.pattern === null || text.length === 0) return text;
    return text.replace(this.pattern, SCRUBBED);
  }

  /** A copy of a JSON value with every string in it scrubbed (keys and non-strings kept as they are). */
  scrubDeep<T>(value: T): T {
    if (this.pattern === null) return value;
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') return this.scrub(v);
      if (Array.isArray(v)) return v.map(walk);
      if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
        return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, walk(x)]));
      }
      return v; // numbers (lossless ones too), booleans, null
    };
    return walk(value) as T;
  }

  /** A filter for a stream of text (a connector's stderr): secrets cut between chunks are caught. */
  stream(): OutputFilter {
    let carry = '';
    return {
      write: (text) => {
        if (this.pattern === null) return text;
        const all = carry + text;
        let cut = Math.max(0, all.length - (this.longest - 1));
        // A match across the cut is taken whole now, so the part held back never starts mid-secret.
        for (const m of all.matchAll(this.pattern)) {
          const end = m.index + m[0].length;
          if (m.index < cut && end > cut) cut = end;
          if (m.index >= cut) break;
        }
        carry = all.slice(cut);
        return this.scrub(all.slice(0, cut));
      },
      end: () => {
        const rest = this.scrub(carry);
        carry = '';
        return rest;
      },
    };
  }
}

const USER_KEYS = ['user', 'username', 'login', 'client_id', 'email'];
const PASSWORD_KEYS = ['password', 'pass', 'client_secret', 'secret', 'api_key', 'token'];

/**
 * Plain strings of `config` (≥ MIN_PLAIN) unless `secretsOnly`, and secret-marked values (`redacted`
 * holds REDACTED there) of any scalar type; and `user:password` of an object holding both.
 */
function collectValues(config: unknown, redacted: unknown, out: string[], secretsOnly: boolean): void {
  if (Array.isArray(config)) {
    for (const [i, v] of config.entries()) collectValues(v, Array.isArray(redacted) ? redacted[i] : undefined, out, secretsOnly);
    return;
  }
  if (config !== null && typeof config === 'object') {
    const r = redacted !== null && typeof redacted === 'object' ? (redacted as Record<string, unknown>) : {};
    const object = config as Record<string, unknown>;
    for (const [k, v] of Object.entries(object)) collectValues(v, r[k], out, secretsOnly);
    const user = USER_KEYS.map((k) => object[k]).find((v) => typeof v === 'string' && v !== '');
    const password = PASSWORD_KEYS.map((k) => object[k]).find((v) => typeof v === 'string' && v !== '');
    if (user !== undefined && password !== undefined) out.push(`${String(user)}:${String(password)}`);
    return;
  }
  if (config === null || config === undefined) return;
  const text = String(config);
  const secret = redacted === REDACTED;
  if (secretsOnly && !secret) return;
  if (text.length >= (secret ? MIN_SECRET : MIN_PLAIN) && (secret || typeof config === 'string')) out.push(text);
}

function formsOf(value: string): string[] {
  const forms = [value];
  const json = JSON.stringify(value).slice(1, -1);
  if (json !== value) forms.push(json);
  const url = encodeURIComponent(value);
  if (url !== value) forms.push(url);
  // Whole-value base64 only: inside a longer encoded text the value's bytes shift with its offset.
  const bytes = Buffer.from(value, 'utf8');
  const base64 = bytes.toString('base64');
  forms.push(base64, base64.replace(/=+$/, ''), bytes.toString('base64url'));
  return forms;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

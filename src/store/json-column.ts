import { parseJson, stringifyJson } from '../singer/lossless-json.js';

/**
 * JSON columns are text in both dialects. Numbers a plain `number` cannot hold exactly (ids past
 * 2^53, long decimals in Singer state) survive a round trip: they come back as `LosslessNumber`,
 * every other number as a plain `number`. The same functions as the Singer streams use, with their
 * fast path (plain JSON.parse / JSON.stringify when no such number is in sight): every job and
 * link read goes through here.
 */
export function toJsonColumn(value: unknown): string {
  const text = stringifyJson(value);
  // undefined only for undefined/functions, which no stored object holds.
  if (text === undefined) throw new TypeError('value cannot be stored as JSON');
  return text;
}

export function fromJsonColumn<T>(text: string): T {
  return parseJson(text) as T;
}

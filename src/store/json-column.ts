import { parse, stringify, LosslessNumber } from 'lossless-json';

/**
 * JSON columns are text in both dialects. They go through lossless-json so that numbers a plain
 * `number` cannot hold exactly (ids past 2^53, long decimals in Singer state) survive a round trip:
 * such numbers come back as `LosslessNumber`, every other number as a plain `number`.
 */
function parseColumnNumber(text: string): number | LosslessNumber {
  const n = Number(text);
  return String(n) === text ? n : new LosslessNumber(text);
}

export function toJsonColumn(value: unknown): string {
  const text = stringify(value);
  // stringify answers undefined only for undefined/functions, which no stored object holds.
  if (text === undefined) throw new TypeError('value cannot be stored as JSON');
  return text;
}

export function fromJsonColumn<T>(text: string): T {
  return parse(text, null, parseColumnNumber) as T;
}

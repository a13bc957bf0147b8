import { isLosslessNumber } from 'lossless-json';
import { stringifyJson } from '../../../singer/lossless-json.js';

/** A record value as CSV cell text: empty for null, nested objects and arrays as exact JSON. */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (isLosslessNumber(value)) return value.toString();
  return stringifyJson(value);
}

import { parseJson } from '../../../singer/lossless-json.js';
import { exactNumber } from '../exact-number.js';
import type { ValueKind } from './column-types.js';

/** Turns a column's text into its JSON value; `null` text never reaches it. */
export type ValueReader = (text: string) => unknown;

const NUMBER_TEXT = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

function numberOf(column: string): ValueReader {
  return (text) => {
    // NaN and Infinity (numeric, float) have no JSON number: a value we cannot write exactly stops the sync.
    if (!NUMBER_TEXT.test(text)) throw new Error(`column "${column}" holds ${text}, which is not a JSON number`);
    return exactNumber(text);
  };
}

/** `2024-01-02 03:04:05.5+00` (or without an offset: a UTC wall time) → `2024-01-02T03:04:05.5+00:00`. */
export function isoTimestamp(text: string, hasOffset: boolean): string {
  if (!/^\d{4}-\d\d-\d\d[ T]/.test(text)) return text; // infinity, BC dates: as the database wrote them
  const t = `${text.slice(0, 10)}T${text.slice(11)}`;
  if (!hasOffset) return `${t}+00:00`;
  return /[+-]\d\d$/.test(t) ? `${t}:00` : t;
}

export function valueReader(kind: ValueKind, column: string): ValueReader {
  switch (kind) {
    case 'integer':
    case 'number':
      return numberOf(column);
    case 'boolean':
      return (text) => text === 't' || text === 'true' || text === '1';
    case 'timestamptz':
      return (text) => isoTimestamp(text, true);
    case 'timestamp':
      return (text) => isoTimestamp(text, false);
    case 'json':
      return (text) => parseJson(text);
    default:
      return (text) => text;
  }
}

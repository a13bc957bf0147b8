import { parseJson, stringifyJson } from '../../../singer/lossless-json.js';
import { exactNumber } from '../exact-number.js';
import type { ValueKind } from './column-types.js';

/** Turns a column's text into its JSON value; `null` text never reaches it. */
export type ValueReader = (text: string) => unknown;

const NUMBER_TEXT = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;
/** A number as JSON writes it: no leading zeros. */
const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?$/;

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
    case 'array':
      return (text) => parseJson(text);
    default:
      return (text) => text;
  }
}

/** Turns a column's text straight into the JSON text of its value (what stringifying valueReader's result would print). */
export type JsonEncoder = (text: string) => string;

/** Timestamps as isoTimestamp writes them need no escaping; anything else (infinity, BC) is quoted properly. */
const PLAIN_TIMESTAMP = /^[\dT:. +-]+$/;

/**
 * The JSON text of a column's value without building the value: a source's rows become RECORD
 * lines with one string concatenation each, instead of objects with LosslessNumbers that a
 * lossless stringify then walks (the two cost most of a database sync's CPU). Numbers are their
 * text, checked; what a value reader would normalize (JSON documents) goes through it.
 */
export function jsonEncoder(kind: ValueKind, column: string): JsonEncoder {
  switch (kind) {
    case 'integer':
    case 'number':
      return (text) => {
        if (JSON_NUMBER.test(text)) return text;
        // Zero-filled integers (MySQL ZEROFILL) print leading zeros, which JSON does not allow.
        if (NUMBER_TEXT.test(text)) return text.replace(/^(-?)0+(?=\d)/, '$1');
        throw new Error(`column "${column}" holds ${text}, which is not a JSON number`);
      };
    case 'boolean':
      return (text) => (text === 't' || text === 'true' || text === '1' ? 'true' : 'false');
    case 'timestamptz':
    case 'timestamp': {
      const hasOffset = kind === 'timestamptz';
      return (text) => {
        const iso = isoTimestamp(text, hasOffset);
        return PLAIN_TIMESTAMP.test(iso) ? `"${iso}"` : JSON.stringify(iso);
      };
    }
    case 'json':
    case 'array':
      // Re-printed: a document's own whitespace may hold newlines, which a Singer line cannot.
      return (text) => stringifyJson(parseJson(text));
    default:
      return (text) => JSON.stringify(text);
  }
}

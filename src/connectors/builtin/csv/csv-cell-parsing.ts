import type { JsonSchema } from '../../../model/json-schema.js';
import { parseJson } from '../../../singer/lossless-json.js';
import { exactNumber } from '../exact-number.js';
import { allowedTypes } from '../schema-types.js';

// No leading zeros: "007" or a zip code "02134" is text, not the number 2134.
const INTEGER = /^-?(0|[1-9]\d*)$/;
const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
const BOOLEAN = /^(true|false)$/i;

function parseJsonCell(text: string, opening: string): unknown {
  if (!text.startsWith(opening)) return undefined;
  try {
    return parseJson(text);
  } catch {
    return undefined;
  }
}

/**
 * The typed value of a CSV cell, trying only the types `allowed` lists (every type when empty):
 * integer, number, boolean, then JSON object/array (how the csv target writes nested values);
 * an empty cell is null, anything else stays text.
 */
export function parseCell(text: string, allowed: ReadonlySet<string>): unknown {
  if (text === '') return null;
  const any = allowed.size === 0;
  if ((any || allowed.has('integer') || allowed.has('number')) && INTEGER.test(text)) return exactNumber(text);
  if ((any || allowed.has('number')) && NUMBER.test(text)) return exactNumber(text);
  if ((any || allowed.has('boolean')) && BOOLEAN.test(text)) return text.toLowerCase() === 'true';
  if (any || allowed.has('object')) {
    const value = parseJsonCell(text, '{');
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value;
  }
  if (any || allowed.has('array')) {
    const value = parseJsonCell(text, '[');
    if (Array.isArray(value)) return value;
  }
  return text;
}

const EVERY_TYPE: ReadonlySet<string> = new Set();

/** Converts a row of cell texts to a typed record, per the stream schema's property types. */
export function rowTyper(schema: JsonSchema): (row: Record<string, string>) => Record<string, unknown> {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const types = new Map(Object.entries(properties).map(([name, s]) => [name, allowedTypes(s)]));
  return (row) => {
    const record: Record<string, unknown> = {};
    for (const [name, cell] of Object.entries(row)) record[name] = parseCell(cell, types.get(name) ?? EVERY_TYPE);
    return record;
  };
}

/** Typing a sampled row during discovery: nothing is known yet, so every type is tried. */
export function naturalRow(row: Record<string, string>): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const [name, cell] of Object.entries(row)) record[name] = parseCell(cell, EVERY_TYPE);
  return record;
}

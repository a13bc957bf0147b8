import { parseJson } from './lossless-json.js';

/**
 * The state a target printed on one stdout line. Singer targets print the bare state value
 * (singer-python, Meltano SDK, our adapter); some print a whole `{"type":"STATE","value":…}`
 * message. Both are accepted; a line that is neither (a log line) gives null.
 */
export function parseTargetStateLine(line: Buffer | string): Record<string, unknown> | null {
  let value: unknown;
  try {
    value = parseJson(typeof line === 'string' ? line : line.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  if (record.type === 'STATE' && 'value' in record) {
    const inner = record.value;
    return typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? (inner as Record<string, unknown>) : null;
  }
  return record;
}

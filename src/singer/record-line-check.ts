import { isUtf8 } from 'node:buffer';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * Whether a RECORD line that took the classifier's fast path (envelope recognised, last byte `}`)
 * is one whole JSON object: its strings close and its braces and brackets balance, ending at the
 * last byte. This catches what really happens to lines (a tap killed mid-write, a line cut at a
 * buffer's edge) at a fraction of a full parse; the grammar in between is left to the target,
 * which parses every record anyway (and may accept what JSON.parse does not, like Python's `NaN`).
 */
export function isWholeJsonObject(line: Buffer): boolean {
  let depth = 0;
  let end = line.length;
  while (end > 0 && (line[end - 1] === 0x20 || line[end - 1] === 0x0a || line[end - 1] === 0x0d || line[end - 1] === 0x09)) end--;
  for (let i = 0; i < end; i++) {
    const b = line[i];
    if (b === QUOTE) {
      // Skip the string: to the next quote not escaped by an odd run of backslashes.
      for (i++; i < end; i++) {
        const c = line[i];
        if (c === BACKSLASH) i++;
        else if (c === QUOTE) break;
      }
      if (i >= end) return false;
    } else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
    else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
      depth--;
      if (depth < 0 || (depth === 0 && i !== end - 1)) return false;
    }
  }
  return depth === 0;
}

/** Whether the bytes are valid UTF-8 (Buffer#toString would replace bad sequences silently). */
export function isValidUtf8(line: Buffer): boolean {
  return isUtf8(line);
}

const RECORD_TYPE = /"type"\s*:\s*"RECORD"/;

/** Whether an unparseable line was meant as a RECORD (a broken record, not a stray log line). */
export function looksLikeRecord(line: Buffer): boolean {
  return RECORD_TYPE.test(line.toString('latin1', 0, Math.min(line.length, 320)));
}

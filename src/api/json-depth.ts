/**
 * How deep a JSON body may nest. Bodies are stored and sent on with JSON.stringify, which is
 * recursive: a body nested some thousands deep parses fine but overflows the stack when saved
 * (a 500 on every route that takes a free-form object: state, configs, tenant-config, job records).
 * Real configs, states and records are nowhere near this deep.
 */
export const MAX_BODY_DEPTH = 100;

/**
 * Whether `text` (JSON) nests objects and arrays deeper than `max`. A scan of the text, without
 * recursion and before parsing, so the check itself cannot overflow; brackets inside strings do not count.
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

import { randomBytes, randomUUID } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

/** Letters and digits: the first character of an id. */
const FIRST = ALPHABET.slice(0, 62);

/**
 * A URL-safe random id like hotglue's `tVN_B` / `JClkCC05S`, long enough not to collide. It starts
 * with a letter or digit: an id starting with `-` reads as an option on a command line
 * (`sinew jobs logs -2x…` was refused as an unknown option).
 */
export function shortId(length: number): string {
  const [first = 0, ...rest] = randomBytes(length);
  let out = FIRST.charAt(first % FIRST.length);
  for (const byte of rest) out += ALPHABET.charAt(byte & 63);
  return out;
}

export const newJobId = (): string => shortId(10);
export const newFlowId = (): string => shortId(9);
export const newTaskId = (): string => randomUUID().replaceAll('-', '');
export const newEventId = (): string => randomUUID();

import { randomBytes, randomUUID } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

/** A URL-safe random id like hotglue's `tVN_B` / `JClkCC05S`, long enough not to collide. */
export function shortId(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i] & 63];
  return out;
}

export const newJobId = (): string => shortId(10);
export const newFlowId = (): string => shortId(9);
export const newTaskId = (): string => randomUUID().replaceAll('-', '');
export const newEventId = (): string => randomUUID();

import { LosslessNumber } from 'lossless-json';

/**
 * Turns the text of a number into a value that prints back to exactly the same text: a plain JS
 * number when `String(n)` reproduces the text (the common case), otherwise a `LosslessNumber`
 * (integers past 2^53, `1.50`, `1e3`, long decimals) so that no digit is lost or reformatted.
 */
export function exactNumber(text: string): number | LosslessNumber {
  const n = Number(text);
  return String(n) === text ? n : new LosslessNumber(text);
}

import { isLosslessNumber, LosslessNumber, parse as losslessParse, stringify as losslessStringify } from 'lossless-json';

export { isLosslessNumber, LosslessNumber };

/**
 * Conservative test for number literals that JSON.parse could change. A number token follows
 * `:`, `,` or `[`; it is risky when it has 15+ digits (possible precision loss), an exponent, a
 * fraction ending in 0 (`1.50`), six leading fractional zeros (JS prints < 1e-6 as `1e-7`), or is
 * `-0`. Matches inside strings are harmless false positives: they only take the slower parser.
 */
const RISKY_NUMBER = /[:,[]\s*(?:-?(?:\d[\d.]{15}|\d[\d.]*[eE]|\d+\.\d*0(?!\d)|0\.0{6})|-0(?![\d.eE]))/;

/** Keeps a literal as a JS number only when printing that number gives back the exact text. */
function parseNumberLiteral(text: string): number | LosslessNumber {
  const n = Number(text);
  return String(n) === text ? n : new LosslessNumber(text);
}

/** Same as JSON.parse (the last duplicate key wins), which the lossless parser would reject. */
const LOSSLESS_OPTIONS = {
  parseNumber: parseNumberLiteral,
  onDuplicateKey: ({ newValue }: { newValue: unknown }) => newValue,
};

/**
 * JSON.parse that never changes a number: any literal that would not print back identically
 * (integers past 2^53, long decimals, `1.50`, `1e5`) becomes a LosslessNumber holding its text.
 */
export function parseJson(text: string): unknown {
  if (!RISKY_NUMBER.test(text)) return JSON.parse(text);
  return losslessParse(text, null, LOSSLESS_OPTIONS);
}

/**
 * JSON.stringify that writes LosslessNumber (and bigint) as their exact number text.
 * Fast path: JSON.stringify, redone losslessly only when its output shows a LosslessNumber
 * (serialized as an object with this marker key) or it threw on a bigint.
 */
export function stringifyJson(value: unknown, space?: number): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, null, space);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return losslessStringify(value, undefined, space) as string;
  }
  if (text === undefined) return text as unknown as string;
  if (text.includes('"isLosslessNumber":')) return losslessStringify(value, undefined, space) as string;
  return text;
}

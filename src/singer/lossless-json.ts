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
  // A text that spells U+0001 itself could hold a string the marks would be mistaken for.
  const marked = text.includes('\\u0001') ? null : markLossyNumbers(text);
  if (marked === null) return losslessParse(text, null, LOSSLESS_OPTIONS);
  return reviveMarked(JSON.parse(marked));
}

/** What a lossy number literal becomes in the marked text: a string of U+0001 and the literal. */
const MARK = 1;
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * The text with every number literal that would not print back identically turned into the string
 * `"\u0001<literal>"`, so that the native JSON.parse (many times faster than a parser in
 * JavaScript) can read the rest; null when a literal is not valid JSON (the lossless parser then
 * reports it as JSON.parse would). Strings are skipped whole, so digits inside them are never touched.
 */
function markLossyNumbers(text: string): string | null {
  let out = '';
  let copied = 0;
  const end = text.length;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      for (i++; i < end; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      for (; j < end; j++) {
        const d = text.charCodeAt(j);
        if (!((d >= 0x30 && d <= 0x39) || d === 0x2e || d === 0x65 || d === 0x45 || d === 0x2b || d === 0x2d)) break;
      }
      const literal = text.slice(i, j);
      if (!JSON_NUMBER.test(literal)) return null;
      if (String(Number(literal)) !== literal) {
        out += `${text.slice(copied, i)}"\\u0001${literal}"`;
        copied = j;
      }
      i = j - 1;
    }
  }
  return out + text.slice(copied);
}

/** Puts the marked literals back as LosslessNumbers, in place. */
function reviveMarked(value: unknown): unknown {
  if (typeof value === 'string') return value.charCodeAt(0) === MARK ? new LosslessNumber(value.slice(1)) : value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = reviveMarked(value[i]);
  } else if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    for (const key of Object.keys(object)) {
      const revived = reviveMarked(object[key]);
      // `__proto__` is an own key in JSON.parse's result; plain assignment would set the prototype.
      if (key === '__proto__') Object.defineProperty(object, key, { value: revived, enumerable: true, writable: true, configurable: true });
      else object[key] = revived;
    }
  }
  return value;
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

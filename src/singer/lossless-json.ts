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
      i = closingQuote(text, i);
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      let digitsOnly = true;
      for (; j < end; j++) {
        const d = text.charCodeAt(j);
        if (d >= 0x30 && d <= 0x39) continue;
        if (!(d === 0x2e || d === 0x65 || d === 0x45 || d === 0x2b || d === 0x2d)) break;
        digitsOnly = false;
      }
      const digits = c === 0x2d ? j - i - 1 : j - i;
      // An integer of up to 15 digits is exact as a double (only `-0` is not): the native parse
      // reads it, and rejects it if it is not JSON (a leading zero).
      const exactInteger = digitsOnly && digits >= 1 && digits <= 15 && !(c === 0x2d && digits === 1 && text.charCodeAt(i + 1) === 0x30);
      if (!exactInteger) {
        const literal = text.slice(i, j);
        if (String(Number(literal)) !== literal) {
          if (!JSON_NUMBER.test(literal)) return null;
          out += `${text.slice(copied, i)}"\\u0001${literal}"`;
          copied = j;
        }
      }
      i = j - 1;
    }
  }
  return out + text.slice(copied);
}

/**
 * Where the string opened at `open` ends (the text's length when it does not): the next quote not
 * escaped, found with indexOf, as a scan character by character costs more than the native parse.
 */
function closingQuote(text: string, open: number): number {
  for (let at = text.indexOf('"', open + 1); at !== -1; at = text.indexOf('"', at + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
  return text.length;
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
 * Fast path: JSON.stringify, redone by `exactText` only when its output shows a LosslessNumber
 * (serialized as an object with this marker key) or it threw on a bigint; with indentation, the
 * lossless printer.
 */
export function stringifyJson(value: unknown, space?: number): string {
  // Values come in runs alike (a stream's records): after one that held an exact number, the next
  // is printed by exactText straight away rather than by JSON.stringify first, for nothing.
  if (!space && preferExact) return exactly(value);
  let text: string | undefined;
  try {
    text = JSON.stringify(value, null, space);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return space ? (losslessStringify(value, undefined, space) as string) : exactly(value);
  }
  if (text === undefined) return text as unknown as string;
  if (text.includes('"isLosslessNumber":')) return space ? (losslessStringify(value, undefined, space) as string) : exactly(value);
  return text;
}

/** Whether the last value printed without indentation held a LosslessNumber or a bigint. */
let preferExact = false;
/** Set by exactText when it prints a LosslessNumber or a bigint. */
let printedExact = false;

function exactly(value: unknown): string {
  printedExact = false;
  const text = exactText(value);
  preferExact = printedExact;
  return text as string;
}

/**
 * What the lossless printer writes without indentation, in one pass written for the values a
 * parse gives (it prints records to be hashed: its output must not differ by a byte): a record
 * with a LosslessNumber costs about a third of the printer's time.
 */
function exactText(value: unknown): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return JSON.stringify(value);
    case 'bigint':
      printedExact = true;
      return value.toString();
    case 'object':
      break;
    default:
      return undefined;
  }
  if (isLosslessNumber(value)) {
    printedExact = true;
    return value.toString();
  }
  if (value instanceof Date || value instanceof Number || value instanceof String || value instanceof Boolean) return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const text = item === undefined || typeof item === 'function' ? undefined : exactText(item);
      out += `${i > 0 ? ',' : ''}${text ?? 'null'}`;
    }
    return `${out}]`;
  }
  const object = value as Record<string, unknown>;
  if (typeof object.toJSON === 'function') return exactText((object.toJSON as () => unknown)());
  let out = '{';
  for (const key of Object.keys(object)) {
    const item = object[key];
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    const text = exactText(item);
    if (text === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${text}`;
  }
  return `${out}}`;
}

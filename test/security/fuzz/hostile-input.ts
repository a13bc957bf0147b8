import fc from 'fast-check';

/**
 * Inputs an attacker or a broken client sends, as fast-check arbitraries. Each list names the bug
 * class it aims at, so a finding can be traced back to the input that caused it.
 */

/** Strings that break parsers, paths, templates, SQL, HTML or prototype lookups. */
const hostileStrings = [
  '',
  ' ',
  '..',
  '../../../../etc/passwd',
  '..\\..\\windows',
  '/etc/passwd',
  '.hidden',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '"; DROP TABLE jobs; --',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal text is the attack (log4j lookup), never interpolated.
  '${jndi:ldap://x}',
  '{{7*7}}',
  '%s%n%x',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  'a\u0000b',
  '\u0000',
  '\uFEFFbom',
  '\uD800', // a lone surrogate: not encodable as UTF-8
  'é😀漢字\u202Eevil',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e400',
  '12345678901234567890123456789',
  'cron(* * * * * * * *)',
  'cron(',
  'http://169.254.169.254/latest/meta-data/',
  'file:///etc/passwd',
  'x'.repeat(201),
  'x'.repeat(5000),
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...hostileStrings), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 1 },
  { arbitrary: fc.nat({ max: 200_000 }).map((n) => 'é'.repeat(n)), weight: 1 },
);

/**
 * Stands for a value nested 20,000 deep, spliced into the body's text after JSON.stringify (which
 * cannot write one itself): a field of a valid body can then be that deep.
 */
export const DEEP_NEST_MARKER = 'FUZZ-DEEP-NEST';
export const DEEP_NEST_TEXT = '['.repeat(20_000) + ']'.repeat(20_000);

/** Deep nesting built directly (fast-check's recursion is bounded far lower than a stack). */
export const deepValue: fc.Arbitrary<unknown> = fc.constantFrom(50, 101, 1000).map((depth) => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
});

/** Any JSON value in a hostile form: wrong types, null, huge, deep, big numbers (as exact text). */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(null, true, false, 0, -1, 1.5, Number.MAX_SAFE_INTEGER, -0, [], {}, [null], [[]], { '': null }, { __proto__: null }),
  fc.jsonValue({ maxDepth: 3 }),
  deepValue,
  fc.constant(DEEP_NEST_MARKER),
  fc.constant(JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}')),
);

/** Raw JSON texts that JSON.stringify cannot produce: exact big numbers, invalid JSON, odd encodings. */
export const rawHostileBody: fc.Arbitrary<string> = fc.constantFrom(
  '',
  ' ',
  '{',
  '}',
  '{"a":}',
  '{"a":1,}',
  "{'a':1}",
  'nul',
  'NaN',
  'Infinity',
  '1e99999',
  '-0',
  '123456789012345678901234567890',
  '{"data":{"id":123456789012345678901234567890.000000000000000001}}',
  '{"state":{"n":1e400}}',
  '"\\ud800"',
  '"\\u0000"',
  '\uFEFF{}',
  '{"a":1}{"b":2}',
  `[${'['.repeat(50_000)}${']'.repeat(50_000)}]`,
  `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`,
  `{"a":"${'x'.repeat(2_000_000)}"}`,
  `[${'{},'.repeat(50_000)}{}]`,
  '{"a":1,"a":2}',
);

/** NDJSON texts (snapshot uploads are streamed as NDJSON): records mixed with lines that are not. */
export const hostileNdjson: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      {
        arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }).map((o) => JSON.stringify(o)),
        weight: 4,
      },
      {
        arbitrary: fc.constantFrom(
          '',
          '{',
          '[]',
          '1',
          'null',
          '"x"',
          '{"a":1}{"b":2}',
          '{"id":123456789012345678901234567890}',
          DEEP_NEST_TEXT,
          `{"a":"${'x'.repeat(100_000)}"}`,
          '\u0000',
          '{"a":"\\ud800"}',
        ),
        weight: 1,
      },
    ),
    { minLength: 1, maxLength: 6 },
  )
  .chain((lines) => fc.constantFrom('\n', '\r\n').map((eol) => lines.join(eol)));

/** Content types the API must answer with a 4xx, not parse as something else. */
export const wrongContentType: fc.Arbitrary<string> = fc.constantFrom(
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/x-ndjson',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/jsonx',
  'APPLICATION/JSON',
  '*/*',
  ';;;',
);

/** A path segment: its raw form on the wire (percent-encoding where HTTP requires it, or as a trick). */
export const hostileSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '..',
    '.',
    '%2e%2e',
    '%2E%2E',
    '%2e%2e%2f%2e%2e',
    '..%2f..%2fetc',
    '%00',
    'a%00b',
    '%',
    '%zz',
    '%C0%AE',
    '%2F',
    'a;b',
    '__proto__',
    'constructor',
    '<script>',
    '%3Cscript%3E',
    "'",
    '~',
    '-',
    '.hidden',
  ),
  fc.constantFrom(201, 1001, 5000).map((n) => 'x'.repeat(n)),
  hostileString.map((s) => encodeSegment(s)),
);

/** Percent-encodes what may not appear raw in a request line; the rest stays as sent. */
export function encodeSegment(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    // A lone surrogate: send its raw UTF-8-ish bytes percent-encoded by hand.
    return [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  }
}

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse as losslessParse, stringify as losslessStringify } from 'lossless-json';
import { isLosslessNumber, LosslessNumber, parseJson, stringifyJson } from '../../src/singer/lossless-json.js';

describe('parseJson / stringifyJson', () => {
  test('integers past 2^53 and 38-digit decimals round-trip byte for byte', () => {
    const texts = [
      '{"id":9007199254740993,"neg":-9223372036854775809}',
      '{"amount":12345678901234567890.123456789012345678,"tiny":0.00000000000000000000000000000000000001}',
      '[1.50,1e5,1E-7,-0,0.0000001,100.0,12345678.12345678]',
      '{"nested":{"a":[{"b":99999999999999999999999999999999999999}]}}',
    ];
    for (const text of texts) assert.equal(stringifyJson(parseJson(text)), text);
  });

  test('lossy literals become LosslessNumber, safe ones stay numbers', () => {
    const value = parseJson('{"big":9007199254740993,"dec":1.50,"ok":1.5,"int":42}') as Record<string, unknown>;
    assert.ok(isLosslessNumber(value.big));
    assert.equal(String(value.big), '9007199254740993');
    assert.ok(isLosslessNumber(value.dec));
    assert.equal(value.ok, 1.5);
    assert.equal(value.int, 42);
  });

  test('number-like text inside strings is left alone', () => {
    const text = '{"s":"9007199254740993","t":"1.50","when":"2018-11-02T22:57:04.841020Z"}';
    assert.deepEqual(parseJson(text), JSON.parse(text));
    assert.equal(stringifyJson(parseJson(text)), text);
  });

  test('behaves like JSON.parse on duplicate keys and invalid input', () => {
    assert.deepEqual(parseJson('{"a":1.50,"a":2}'), { a: 2 });
    assert.throws(() => parseJson('{"a":'));
    assert.throws(() => parseJson('{"a":1.50,'));
  });

  test('stringifyJson writes LosslessNumber and bigint as number text', () => {
    assert.equal(stringifyJson({ a: new LosslessNumber('1.000'), b: 10n ** 30n }), '{"a":1.000,"b":1000000000000000000000000000000}');
    assert.equal(stringifyJson({ a: 'x', b: [1, null, true] }), '{"a":"x","b":[1,null,true]}');
  });

  test('the fast paths agree with the lossless parser and printer, on the cases that could fool them', () => {
    const texts = [
      '{"a":12345678901234567890,"s":"\\u0001123","b":[1.50,{"c":-0.000000000000000001}]}',
      '{"__proto__":12345678901234567890.5,"x":1}',
      '[12345678901234567890, "12345678901234567890", {"n":1e400,"m":-1E+2}]',
      '{"v":{"value":"1.50","isLosslessNumber":true},"w":1.50}',
      '{"k":"a\\"b 12345678901234567890","l":12345678901234567890}',
    ];
    for (const text of texts) {
      const value = parseJson(text);
      const reference = losslessParse(text, null, {
        parseNumber: (t: string) => (String(Number(t)) === t ? Number(t) : new LosslessNumber(t)),
      });
      assert.equal(stringifyJson(value), losslessStringify(reference), text);
    }
    const proto = parseJson('{"__proto__":12345678901234567890.5}') as Record<string, unknown>;
    assert.ok(Object.hasOwn(proto, '__proto__'), 'an own key, not the prototype');
    assert.equal(Object.getPrototypeOf(proto), Object.prototype);
    assert.equal(String(Object.getOwnPropertyDescriptor(proto, '__proto__')?.value), '12345678901234567890.5');
    assert.equal(
      (parseJson('{"s":"\\u0001123","n":1.50}') as Record<string, unknown>).s,
      '\u0001123',
      'a string spelling U+0001 stays a string',
    );
    // Data shaped like a LosslessNumber's fields stays an object.
    assert.equal(
      stringifyJson({ v: { value: '1.50', isLosslessNumber: true }, w: new LosslessNumber('1.50') }),
      '{"v":{"value":"1.50","isLosslessNumber":true},"w":1.50}',
    );
    for (const bad of ['{"a":01.50}', '{"a":1.5.0}', '{"a":-}', '{"a":12345678901234567890 x}', '{"a":1.50,}'])
      assert.throws(() => parseJson(bad), SyntaxError, bad);
  });

  test('random values: the printer and the parser agree with the lossless library byte for byte', () => {
    // A seeded generator, so a failure names a case that can be run again.
    let seed = 20261207;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor(seed / 65536) % n; // the high bits: an LCG's low bits repeat with a short period
    };
    const pieces = ['a', '"', '\\', '\\"', '\n', 'ü', '\u0001', '12345678901234567890', '1.50', ' ', '{', '}', ',', ':', '😀'];
    const text = (): string => Array.from({ length: next(6) }, () => pieces[next(pieces.length)]).join('');
    const numbers = [
      '0',
      '-0',
      '9007199254740993',
      '-900719925474099',
      '1.5',
      '1.50',
      '12345678901234567890',
      '-0.0000001',
      '1e5',
      '3.14159265358979',
      '176366.714285714285714286',
    ];
    const value = (depth: number): unknown => {
      switch (next(depth > 2 ? 6 : 8)) {
        case 0:
          return null;
        case 1:
          return next(2) === 0;
        case 2:
          return text();
        case 3:
          return new LosslessNumber(numbers[next(numbers.length)]!);
        case 4:
          return next(1000) - 500;
        case 5:
          return BigInt(next(1000)) * 10n ** 20n;
        case 6:
          return Array.from({ length: next(4) }, () => value(depth + 1));
        default: {
          const o: Record<string, unknown> = {};
          for (let i = next(5); i > 0; i--) o[text()] = next(9) === 0 ? undefined : value(depth + 1);
          return o;
        }
      }
    };
    // A string ending in an escaped backslash, then a number only the lossless path keeps.
    assert.equal(stringifyJson(parseJson('{"a":"x\\\\","b":12345678901234567890}')), '{"a":"x\\\\","b":12345678901234567890}');
    for (let i = 0; i < 3000; i++) {
      const v = { v: value(0) }; // a line is an object (a bare top-level number is not a message)
      const printed = stringifyJson(v);
      assert.equal(printed, losslessStringify(v), `case ${i}`);
      if (printed === undefined) continue;
      const reference = losslessParse(printed, null, {
        parseNumber: (t: string) => (String(Number(t)) === t ? Number(t) : new LosslessNumber(t)),
      });
      assert.equal(stringifyJson(parseJson(printed)), losslessStringify(reference), `case ${i}: ${printed}`);
    }
  });
});

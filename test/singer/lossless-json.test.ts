import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
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
});

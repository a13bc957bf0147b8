import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLosslessNumber, LosslessNumber } from 'lossless-json';
import { fromJsonColumn, toJsonColumn } from '../../src/store/json-column.js';

test('numbers a double holds exactly come back as numbers, others as LosslessNumber', () => {
  const text = '{"small":42,"neg":-1.5,"tenth":0.1,"big":12345678901234567890,"long":0.10000000000000000001,"exp":1e3}';
  const value = fromJsonColumn<Record<string, unknown>>(text);
  assert.equal(value.small, 42);
  assert.equal(value.neg, -1.5);
  assert.equal(value.tenth, 0.1);
  assert.ok(isLosslessNumber(value.big) && value.big.toString() === '12345678901234567890');
  assert.ok(isLosslessNumber(value.long) && value.long.toString() === '0.10000000000000000001');
  // "1e3" is exactly 1000 but does not read back as the same text, so it keeps its spelling.
  assert.ok(isLosslessNumber(value.exp) && value.exp.toString() === '1e3');
  assert.equal(toJsonColumn(value), text);
});

test('LosslessNumber and bigint values serialize without losing digits', () => {
  const text = toJsonColumn({ a: new LosslessNumber('98765432109876543210'), b: 98765432109876543210n, c: [null, 'x'] });
  assert.equal(text, '{"a":98765432109876543210,"b":98765432109876543210,"c":[null,"x"]}');
});

test('a value JSON cannot hold is refused', () => {
  assert.throws(() => toJsonColumn(undefined), TypeError);
});

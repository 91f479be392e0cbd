import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDecimal } from '../../../src/sampler/parsers/decimal.js';

describe('parseDecimal', () => {
  test('reads a range of the text in place', () => {
    assert.equal(parseDecimal('pgfault 51239\n', 8, 13), 51239n);
    assert.equal(parseDecimal('0', 0, 1), 0n);
  });
  test('15 digits (the in-double path) and 16+ digits (the exact path) are both exact', () => {
    assert.equal(parseDecimal('999999999999999', 0, 15), 999999999999999n);
    assert.equal(parseDecimal('9007199254740993', 0, 16), 9007199254740993n);
    assert.equal(parseDecimal('18446744073709551615', 0, 20), 18446744073709551615n);
    assert.equal(parseDecimal('123456789012345678901234567890', 0, 30), 123456789012345678901234567890n);
  });
  test('empty, signs, dots, blanks and letters are undefined', () => {
    for (const text of ['', '-1', '+1', '1.5', ' 1', '1 ', '1e3', 'x', '12345678901234567x']) {
      assert.equal(parseDecimal(text, 0, text.length), undefined, JSON.stringify(text));
    }
  });
});

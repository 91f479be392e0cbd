import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFieldValue, escapeMeasurement, escapeTag } from '../../src/encode/escape.js';

describe('escapeTag', () => {
  test('escapes comma, equals, space and control whitespace like the influx client', () => {
    assert.equal(escapeTag('a b,c=d'), 'a\\ b\\,c\\=d');
    assert.equal(escapeTag('line1\nline2\ttab\rcr'), 'line1\\nline2\\ttab\\rcr');
  });
  test('leaves quotes and unicode as they are', () => {
    assert.equal(escapeTag('say "hi"'), 'say\\ "hi"');
    assert.equal(escapeTag('Zürich-東京-🚀'), 'Zürich-東京-🚀');
  });
  test('a backslash before an ordinary character stays single', () => {
    assert.equal(escapeTag('C:\\dir\\file'), 'C:\\dir\\file');
  });
  test('trailing backslashes are dropped (InfluxDB 1.x rejects them in any form)', () => {
    assert.equal(escapeTag('C:\\dir\\'), 'C:\\dir');
    assert.equal(escapeTag('x\\\\\\'), 'x');
    assert.equal(escapeTag('\\'), '');
  });
  test('a backslash run before an escaped character is doubled so the escape survives', () => {
    assert.equal(escapeTag('a\\,b'), 'a\\\\\\,b');
    assert.equal(escapeTag('a\\\\ b'), 'a\\\\\\\\\\ b');
    assert.equal(escapeTag('k\\=v'), 'k\\\\\\=v');
  });
});

describe('escapeMeasurement', () => {
  test('escapes comma and space but not equals', () => {
    assert.equal(escapeMeasurement('my m,x=1'), 'my\\ m\\,x=1');
  });
});

describe('encodeFieldValue', () => {
  test('bigint is an integer, clamped to the int64 range', () => {
    assert.equal(encodeFieldValue(42n), '42i');
    assert.equal(encodeFieldValue(-7n), '-7i');
    assert.equal(encodeFieldValue(2n ** 64n - 1n), '9223372036854775807i');
    assert.equal(encodeFieldValue(2n ** 63n), '9223372036854775807i');
    assert.equal(encodeFieldValue(2n ** 63n - 1n), '9223372036854775807i');
    assert.equal(encodeFieldValue(-(2n ** 63n)), '-9223372036854775808i');
    assert.equal(encodeFieldValue(-(2n ** 70n)), '-9223372036854775808i');
  });
  test('number is a float; NaN and infinities cannot be written', () => {
    assert.equal(encodeFieldValue(1.5), '1.5');
    assert.equal(encodeFieldValue(3), '3');
    assert.equal(encodeFieldValue(-0.25), '-0.25');
    assert.equal(encodeFieldValue(1e21), '1e+21');
    assert.equal(encodeFieldValue(Number.NaN), undefined);
    assert.equal(encodeFieldValue(Number.POSITIVE_INFINITY), undefined);
    assert.equal(encodeFieldValue(Number.NEGATIVE_INFINITY), undefined);
  });
  test('strings are quoted with quotes and backslashes escaped', () => {
    assert.equal(encodeFieldValue('he said "no"'), '"he said \\"no\\""');
    assert.equal(encodeFieldValue('C:\\dir\\'), '"C:\\\\dir\\\\"');
    assert.equal(encodeFieldValue('two\nlines'), '"two\nlines"');
    assert.equal(encodeFieldValue(''), '""');
  });
  test('booleans', () => {
    assert.equal(encodeFieldValue(true), 'T');
    assert.equal(encodeFieldValue(false), 'F');
  });
});

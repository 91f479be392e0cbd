import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMajMin, parseU64, splitBlank } from '../../../src/sampler/parsers/u64.js';

test('parseU64 reads exact values, including above 2^53 and 2^63', () => {
  assert.equal(parseU64('0'), 0n);
  assert.equal(parseU64('123456789012345'), 123456789012345n);
  assert.equal(parseU64('9007199254740993'), 9007199254740993n);
  assert.equal(parseU64('18446744073709551615'), 18446744073709551615n);
  assert.equal(parseU64('x=42', 2), 42n);
  assert.equal(parseU64('a12b', 1, 3), 12n);
});

test('parseU64 refuses anything that is not only digits', () => {
  for (const bad of ['', '-1', '1.5', '12a', ' 1', '1 ', '+3', 'max']) assert.equal(parseU64(bad), undefined, bad);
});

test('splitBlank splits on runs of spaces and tabs', () => {
  assert.deepEqual(splitBlank('  a \t bb   c  ', 0, 14, []), ['a', 'bb', 'c']);
  assert.deepEqual(splitBlank('   ', 0, 3, ['stale']), []);
  assert.deepEqual(splitBlank('x y z', 2, 3, []), ['y']);
});

test('isMajMin accepts only digits:digits', () => {
  assert.equal(isMajMin('8:0'), true);
  assert.equal(isMajMin('259:12'), true);
  for (const bad of ['8', ':0', '8:', '8:0:1', 'a:0', 'Total', '']) assert.equal(isMajMin(bad), false, bad);
});

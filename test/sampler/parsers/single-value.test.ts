import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { UNLIMITED, V1_UNLIMITED_FROM, parseLimit, parseSingleU64, parseU64List } from '../../../src/sampler/parsers/single-value.js';

describe('parseSingleU64', () => {
  test('a counter with its newline', () => {
    assert.equal(parseSingleU64('1855488\n'), 1855488n);
    assert.equal(parseSingleU64('0'), 0n);
  });
  test('above 2^63', () => assert.equal(parseSingleU64('18446744073709551615\n'), 18446744073709551615n));
  test('empty, max, negative, garbage are undefined', () => {
    for (const text of ['', '\n', 'max\n', '-1\n', '12 34\n', '1e5', 'abc']) assert.equal(parseSingleU64(text), undefined, JSON.stringify(text));
  });
});

describe('parseLimit', () => {
  test('a number is a limit', () => assert.deepEqual(parseLimit('67108864\n'), { unlimited: false, value: 67108864n }));
  test('max and -1 mean no limit', () => {
    assert.equal(parseLimit('max\n'), UNLIMITED);
    assert.equal(parseLimit('-1\n'), UNLIMITED);
  });
  test("v1's huge page-aligned value means no limit (4 KiB and 64 KiB pages)", () => {
    assert.equal(parseLimit('9223372036854771712\n', V1_UNLIMITED_FROM), UNLIMITED);
    assert.equal(parseLimit('9223372036854710272\n', V1_UNLIMITED_FROM), UNLIMITED);
    assert.deepEqual(parseLimit('9223372036854771712\n'), { unlimited: false, value: 9223372036854771712n });
    assert.deepEqual(parseLimit('4611686018427387903\n', V1_UNLIMITED_FROM), { unlimited: false, value: 4611686018427387903n });
  });
  test('empty, truncated or garbage are undefined', () => {
    for (const text of ['', 'ma', 'maximum', '-2', '- 1', '12k']) assert.equal(parseLimit(text), undefined, JSON.stringify(text));
  });
});

describe('parseU64List', () => {
  test('cpuacct.usage_percpu with its trailing space', () => {
    assert.deepEqual(parseU64List('40172711087 61214675861 \n'), [40172711087n, 61214675861n]);
  });
  test('empty or with a bad item is undefined', () => {
    assert.equal(parseU64List(''), undefined);
    assert.equal(parseU64List(' \n'), undefined);
    assert.equal(parseU64List('1 x 3'), undefined);
  });
  test('above 2^63', () => assert.deepEqual(parseU64List('18446744073709551615 1'), [18446744073709551615n, 1n]));
});

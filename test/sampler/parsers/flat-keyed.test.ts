import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFlatKeyed, wantedKeys } from '../../../src/sampler/parsers/flat-keyed.js';

const WANTED = wantedKeys(['total_rss', 'total_cache', 'pgfault'] as const);

describe('parseFlatKeyed', () => {
  test('keeps only the wanted keys, as bigint', () => {
    const text = 'cache 9158656\nrss 12267520\ntotal_cache 358133760\ntotal_rss 85417984\npgfault 51239\n';
    assert.deepEqual(parseFlatKeyed(text, WANTED), {
      values: { total_cache: 358133760n, total_rss: 85417984n, pgfault: 51239n },
      malformed: 0,
    });
  });

  test('empty file gives no values and no error', () => {
    assert.deepEqual(parseFlatKeyed('', WANTED), { values: {}, malformed: 0 });
    assert.deepEqual(parseFlatKeyed('\n\n', WANTED), { values: {}, malformed: 0 });
  });

  test('a file cut short keeps the complete lines and counts the cut one', () => {
    assert.deepEqual(parseFlatKeyed('total_rss 100\ntotal_cache', WANTED), { values: { total_rss: 100n }, malformed: 1 });
    assert.deepEqual(parseFlatKeyed('total_rss 100\ntotal_cache ', WANTED), { values: { total_rss: 100n }, malformed: 1 });
    // No final newline: the last value is still whole.
    assert.deepEqual(parseFlatKeyed('total_rss 100\npgfault 7', WANTED), { values: { total_rss: 100n, pgfault: 7n }, malformed: 0 });
  });

  test('unexpected keys and odd lines are ignored; bad values of wanted keys are counted', () => {
    const text = 'future_key 12\ngarbage\ntotal_rss -5\ntotal_cache 1.5\npgfault 3 \n';
    assert.deepEqual(parseFlatKeyed(text, WANTED), { values: { pgfault: 3n }, malformed: 2 });
  });

  test('values above 2^53 and 2^63 stay exact', () => {
    const text = 'total_rss 9007199254740993\ntotal_cache 18446744073709551615\n';
    assert.deepEqual(parseFlatKeyed(text, WANTED).values, { total_rss: 9007199254740993n, total_cache: 18446744073709551615n });
  });

  test('a duplicated key keeps its first value', () => {
    assert.deepEqual(parseFlatKeyed('pgfault 1\npgfault 2\n', WANTED).values, { pgfault: 1n });
  });

  test('a key that is only a prefix of a wanted key does not match', () => {
    assert.deepEqual(parseFlatKeyed('total_rss_huge 5\ntotal 3\n', WANTED).values, {});
  });
});
